#include "base/utf8.h"
#include "normalize/internal/ascii_scan.h"
#include "normalize/internal/passes.h"
#include "normalize/unicode.h"

namespace quotematch::internal {
namespace {

bool IsDiacritic(char32_t c) { return (c >= 0x064B && c <= 0x0652) || c == 0x0670; }

}  // namespace

CharTable::CharTable(const CharRules& rules, const NormalizerOptions& options, bool key)
    : actions_(0x10000, 0) {
  auto set = [&](char32_t c, std::string replacement) {
    std::string self;
    AppendUtf8(c, &self);
    if (replacement == self) return;
    replacements_.push_back(std::move(replacement));
    actions_[c] = static_cast<uint16_t>(replacements_.size());
  };
  for (char32_t c = 0; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const CharRule* rule = rules.Find(c);
    if (key) {
      // The key folds everything: rule column, else case folding.
      if (rule != nullptr) {
        set(c, rule->key);
      } else {
        char32_t f = unicode::FoldCase(c);
        if (f != c) {
          std::string s;
          AppendUtf8(f, &s);
          set(c, std::move(s));
        }
      }
      continue;
    }
    if (options.remove_diacritics && IsDiacritic(c)) {
      set(c, "");
    } else if (rule != nullptr && options.letters) {
      set(c, rule->display);
    }
  }
  const uint8_t* flags = unicode::NfkcFlagsBmp();
  plain_.assign(0x800, 0);
  printable_plain_ = true;
  for (char32_t c = 0x20; c < 0x7F; ++c) printable_plain_ &= actions_[c] == 0;
  for (char32_t c = 0; c < 0x800; ++c) {
    if (key) {
      plain_[c] = actions_[c] == 0 && !IsSpaceCp(c);
    } else {
      plain_[c] = actions_[c] == 0 && (!options.nfkc || ((flags[c] & unicode::kNfkcIdentity) &&
                                                         (flags[c] & unicode::kNfkcBoundaryBefore)));
    }
  }
  if (key) {
    scanner_ = std::make_unique<PlainScanner>(
        [&](char32_t c) {
          if (c >= 0x80) return Plain(c);
          const bool letter = (c | 32) >= 'a' && (c | 32) <= 'z';
          return letter || (actions_[c] == 0 && c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\'');
        },
        /*single_spaces=*/true);
  } else {
    scanner_ = std::make_unique<PlainScanner>([&](char32_t c) { return Plain(c); }, /*single_spaces=*/false);
  }
}

bool CharPass(std::string_view in, const CharTable& table, bool nfkc, std::string* out,
              OffsetMapBuilder* map, size_t* invalid_at) {
  const uint8_t* flags = unicode::NfkcFlagsBmp();
  const size_t n = in.size();
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  out->reserve(out->size() + n + n / 8);
  size_t run = 0;  // start of the pending unchanged run
  auto flush = [&](size_t end) {
    if (end > run) {
      out->append(in.data() + run, end - run);
      map->Copy(static_cast<uint32_t>(run), static_cast<uint32_t>(end - run));
    }
  };
  auto boundary_before = [&](char32_t c) {
    return c < 0x10000 ? (flags[c] & unicode::kNfkcBoundaryBefore) != 0 : unicode::NfkcBoundaryBefore(c);
  };
  auto identity = [&](char32_t c) {
    return c < 0x10000 ? (flags[c] & unicode::kNfkcIdentity) != 0 : unicode::NfkcIsIdentity(c);
  };
  // Decodes and validates the code point at `i`; false on invalid UTF-8.
  auto decode = [&](size_t i, char32_t* c, size_t* next) -> bool {
    unsigned char b = s[i];
    if (b < 0x80) {
      *c = b;
      *next = i + 1;
      return true;
    }
    if ((b & 0xE0) == 0xC0) {
      if (b < 0xC2 || i + 1 >= n || (s[i + 1] & 0xC0) != 0x80) return false;
      *c = (static_cast<char32_t>(b & 0x1F) << 6) | (s[i + 1] & 0x3F);
      *next = i + 2;
      return true;
    }
    size_t bad = FirstInvalidUtf8(in.substr(i, std::min<size_t>(4, n - i)));
    if (bad == 0) return false;
    size_t j = i;
    *c = DecodeUtf8(in, &j);
    *next = j;
    return true;
  };
  std::string segment_out;
  size_t i = 0;
  char32_t c = 0;
  size_t j = 0;
  bool have = false;  // c/j hold the code point at i
  while (i < n) {
    if (!have) {
      // The tight loop: ASCII and two-byte characters copied unchanged.
      size_t k = i, last = i;  // last: start of the last character passed
      while (k < n) {
        // Arabic script (and the ASCII between), 16 bytes at a time; plain
        // ASCII has its own skip below.
        if (s[k] >= 0x80) {
          const size_t skipped = table.scanner().Skip(s, k, n);
          if (skipped != k) {
            last = s[skipped - 1] < 0x80 ? skipped - 1 : skipped - 2;
            k = skipped;
            if (k >= n) break;
          }
        }
        const unsigned char b = s[k];
        if (b < 0x80) {
          if (!table.Plain(b)) break;
          if (table.PrintablePlain() && b >= 0x20 && b < 0x7F && k + 1 < n && s[k + 1] < 0x80) {
            k = SkipAscii(in.data(), k, n, Spaces::kAlways, 0);  // moves: b is printable or a space
            last = k - 1;
            continue;
          }
          last = k++;
          continue;
        }
        if ((b & 0xE0) == 0xC0 && b >= 0xC2 && k + 1 < n && (s[k + 1] & 0xC0) == 0x80) {
          if (!table.Plain((static_cast<char32_t>(b & 0x1F) << 6) | (s[k + 1] & 0x3F))) break;
          last = k;
          k += 2;
          continue;
        }
        break;
      }
      if (k > i) {
        // A character after the run that may combine with the run's last
        // one (no normalization boundary before it): revisit the last one.
        if (k < n && nfkc) {
          char32_t d;
          size_t after;
          if (decode(k, &d, &after) && !boundary_before(d)) k = last;
        }
        if (k > i) {
          i = k;
          continue;
        }
      }
      if (!decode(i, &c, &j)) {
        *invalid_at = i;
        return false;
      }
    }
    have = false;
    // The next code point, decoded once and carried to the next iteration.
    char32_t next_c = 0;
    size_t next_j = j;
    bool has_next = j < n;
    if (has_next && !decode(j, &next_c, &next_j)) {
      *invalid_at = j;
      return false;
    }
    bool slow = nfkc && (!identity(c) || (has_next && !boundary_before(next_c)));
    if (slow) {
      size_t end = j;
      while (end < n) {
        char32_t d;
        size_t k;
        if (!decode(end, &d, &k)) {
          *invalid_at = end;
          return false;
        }
        if (boundary_before(d)) break;
        end = k;
      }
      flush(i);
      segment_out.clear();
      unicode::NfkcAppendUtf8(in.substr(i, end - i), &segment_out);
      size_t before = out->size();
      for (size_t k = 0; k < segment_out.size();) {
        size_t at = k;
        char32_t d = DecodeUtf8(segment_out, &k);
        uint16_t a = table.Action(d);
        if (a == 0) out->append(segment_out, at, k - at);
        else out->append(table.Replacement(a));
      }
      map->Replace(static_cast<uint32_t>(i), static_cast<uint32_t>(end - i),
                   static_cast<uint32_t>(out->size() - before));
      i = run = end;
      continue;
    }
    uint16_t a = table.Action(c);
    if (a != 0) {
      flush(i);
      const std::string& r = table.Replacement(a);
      out->append(r);
      // One character replaced by one of the same length keeps byte positions.
      if (r.size() == j - i && Utf8SequenceLength(static_cast<unsigned char>(r[0])) == r.size()) {
        map->Copy(static_cast<uint32_t>(i), static_cast<uint32_t>(j - i));
      } else {
        map->Replace(static_cast<uint32_t>(i), static_cast<uint32_t>(j - i), static_cast<uint32_t>(r.size()));
      }
      run = j;
    }
    i = j;
    if (has_next && next_c >= 0x80) {  // carry the decoded code point
      c = next_c;
      j = next_j;
      have = true;
    }
  }
  flush(n);
  return true;
}

}  // namespace quotematch::internal
