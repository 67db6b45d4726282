// The key pass: display → match key. Every code point goes through the key
// column of the character rules (or case folding); whitespace runs become
// one space; English contractions are expanded and possessive 's dropped.
#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/internal/passes.h"
#include "normalize/unicode.h"

namespace quotematch::internal {
namespace {

bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019 || c == 0x02BC; }
bool IsAsciiLetter(char32_t c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }

// Expansion of an English clitic after `base` (both lower case), or nullptr
// for "not a contraction we expand". An empty result drops the clitic (the
// possessive 's).
const char* Expand(std::string_view base, std::string_view clitic) {
  if (clitic == "t" && EndsWith(base, "n")) return nullptr;  // handled as n't
  if (clitic == "re") return " are";
  if (clitic == "ve") return " have";
  if (clitic == "ll") return " will";
  if (clitic == "m") return " am";
  if (clitic == "d") return " would";
  if (clitic == "s") {
    if (base == "let") return " us";
    for (std::string_view p : {"it", "he", "she", "that", "there", "what", "who", "where", "here", "how"}) {
      if (base == p) return " is";
    }
    return "";  // possessive
  }
  return nullptr;
}

class KeyRun {
 public:
  KeyRun(std::string_view in, const CharTable& table, std::string* out, OffsetMapBuilder* map)
      : in_(in), table_(table), out_(out), map_(map) {}

  void Run() {
    const size_t n = in_.size();
    out_->reserve(out_->size() + n);
    size_t i = 0;
    run_ = 0;
    while (i < n) {
      unsigned char b = static_cast<unsigned char>(in_[i]);
      if (b < 0x80) {
        // A single space between two non-space characters stays as it is.
        if (b == ' ' && i > 0 && i + 1 < n && in_[i + 1] != ' ' && in_[i + 1] != '\n' && in_[i + 1] != '\t' &&
            in_[i + 1] != '\r' && static_cast<unsigned char>(in_[i + 1]) < 0xC2) {
          ++i;
          continue;
        }
        if (b == ' ' && i > 0 && i + 2 < n && (static_cast<unsigned char>(in_[i + 1]) & 0xE0) == 0xC0 &&
            !(in_[i + 1] == '\xC2' && (in_[i + 2] == '\x85' || in_[i + 2] == '\xA0'))) {
          ++i;  // followed by a two-byte letter that is not a space
          continue;
        }
        if (b == ' ' || b == '\n' || b == '\t' || b == '\r') {
          Whitespace(i);
          i = ws_end_;
          continue;
        }
        if (IsAsciiLetter(b)) {
          i = LatinWord(i);
          continue;
        }
        if (table_.Action(b) == 0) {
          ++i;
          continue;
        }
      }
      // Tight loop over unchanged two-byte characters (Arabic script).
      if ((b & 0xE0) == 0xC0) {
        size_t k = i;
        const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
        while (k + 1 < n && (s[k] & 0xE0) == 0xC0 && (s[k + 1] & 0xC0) == 0x80) {
          char32_t c2 = (static_cast<char32_t>(s[k] & 0x1F) << 6) | (s[k + 1] & 0x3F);
          if (table_.Action(c2) != 0 || c2 == 0x85 || c2 == 0xA0) break;
          k += 2;
        }
        if (k > i) {
          i = k;
          continue;
        }
      }
      size_t j = i;
      char32_t c = DecodeUtf8(in_, &j);
      if (c >= 0x80 && IsSpaceCp(c)) {
        Whitespace(i);
        i = ws_end_;
        continue;
      }
      uint16_t a = table_.Action(c);
      if (a != 0) Replace(i, j, table_.Replacement(a), /*single_char=*/true);
      i = j;
    }
    Flush(n);
  }



 private:
  void Flush(size_t end) {
    if (end > run_) {
      out_->append(in_.data() + run_, end - run_);
      map_->Copy(static_cast<uint32_t>(run_), static_cast<uint32_t>(end - run_));
    }
    run_ = end;
  }
  // A replacement of the same length keeps byte positions: it is recorded
  // as a copy (ي→ی، uppercase→lowercase), so the map stays small.
  void Replace(size_t b, size_t e, std::string_view text, bool single_char = false) {
    Flush(b);
    out_->append(text);
    if (single_char && text.size() == e - b) {
      map_->Copy(static_cast<uint32_t>(b), static_cast<uint32_t>(e - b));
    } else {
      map_->Replace(static_cast<uint32_t>(b), static_cast<uint32_t>(e - b), static_cast<uint32_t>(text.size()));
    }
    run_ = e;
  }

  // A whitespace run [b, e): one space between words, none at either end
  // of the text.
  void Whitespace(size_t b) {
    size_t e = b;
    while (e < in_.size()) {
      size_t m = e;
      char32_t c = DecodeUtf8(in_, &m);
      if (!IsSpaceCp(c)) break;
      e = m;
    }
    ws_end_ = e;
    if (b == 0 || e == in_.size()) {
      Replace(b, e, "");
    } else if (!(e == b + 1 && in_[b] == ' ')) {
      Replace(b, e, " ");
    }  // a single plain space stays in the copied run
  }

  // A Latin word starting at `b`: letters (folded) and an apostrophe clitic.
  size_t LatinWord(size_t b) {
    size_t i = b;
    // Upper-case ASCII is folded in place at the end of the pass (same
    // length, so the offset map stays a copy).
    while (i < in_.size() && IsAsciiLetter(static_cast<unsigned char>(in_[i]))) ++i;
    // Apostrophe + letters: a clitic?
    if (i < in_.size()) {
      size_t j = i;
      char32_t a = DecodeUtf8(in_, &j);
      if (IsApostrophe(a)) {
        size_t k = j;
        while (k < in_.size() && IsAsciiLetter(static_cast<unsigned char>(in_[k]))) ++k;
        std::string base, clitic;
        for (size_t m = b; m < i; ++m) base.push_back(static_cast<char>(in_[m] | 0x20));
        for (size_t m = j; m < k; ++m) clitic.push_back(static_cast<char>(in_[m] | 0x20));
        if (clitic == "t" && EndsWith(base, "n")) {
          // n't: "don't" → "do not", "can't" → "can not", "won't" → "will not".
          std::string stem = base.substr(0, base.size() - 1);
          const char* expansion = base == "won" ? "will not" : base == "shan" ? "shall not"
                                  : base == "can" ? "can not" : nullptr;
          if (expansion != nullptr) {
            Replace(b, k, expansion);
          } else {
            Replace(i - 1, k, " not");
          }
          return k;
        }
        if (k > j) {
          const char* e = Expand(base, clitic);
          if (e != nullptr) {
            Replace(i, k, e);
            return k;
          }
        } else if (!base.empty() && base.back() == 's') {
          Replace(i, j, "");  // plural possessive: ministers' → ministers
          return j;
        }
      }
    }
    return i;
  }

  std::string_view in_;
  const CharTable& table_;
  std::string* out_;
  OffsetMapBuilder* map_;
  size_t run_ = 0;
  size_t ws_end_ = 0;
};

}  // namespace

void KeyPass(std::string_view display, const CharTable& key_table, std::string* out,
             OffsetMapBuilder* map) {
  const size_t start = out->size();
  KeyRun run(display, key_table, out, map);
  run.Run();
  for (size_t i = start; i < out->size(); ++i) {
    char& c = (*out)[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
}

}  // namespace quotematch::internal
