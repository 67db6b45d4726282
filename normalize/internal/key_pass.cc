// The key pass: display → match key. Every code point goes through the key
// column of the character rules (or case folding); whitespace runs become
// one space; English contractions are expanded and possessive 's dropped.
#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/internal/ascii_scan.h"
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
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    out_->reserve(out_->size() + n);
    bool plain_ascii[128];
    for (int b = 0; b < 128; ++b) {
      plain_ascii[b] = IsAsciiLetter(static_cast<char32_t>(b)) ||
                       (table_.Action(static_cast<char32_t>(b)) == 0 && b != ' ' && b != '\n' && b != '\t' &&
                        b != '\r' && b != '\'');
    }
    // Printable ASCII is skipped 16 bytes at a time when none of it but the
    // apostrophe needs a look.
    bool printable_plain = true;
    for (int b = 0x21; b < 0x7F; ++b) printable_plain &= b == '\'' || plain_ascii[b];
    size_t i = 0;
    run_ = 0;
    while (i < n) {
      // The tight loop: what the key keeps as it is — ASCII without an
      // action (upper case is folded in place at the end), a single space
      // between two characters, two-byte characters without an action.
      while (i < n) {
        // Arabic script (and the ASCII between), 16 bytes at a time; plain
        // ASCII has its own skip below.
        if (s[i] >= 0x80) {
          i = table_.scanner().Skip(s, i, n);
          if (i >= n) break;
        }
        const unsigned char b = s[i];
        if (b < 0x80) {
          if (printable_plain && i > 0 && i + 1 < n && s[i + 1] < 0x80) {
            const size_t k = SkipAscii(in_.data(), i, n, Spaces::kBeforePrintable, '\'');
            if (k > i) {
              i = k;
              continue;
            }
          }
          if (plain_ascii[b]) {
            ++i;
            continue;
          }
          if (b == ' ' && i > 0 && i + 2 < n && SingleSpaceBefore(s + i + 1)) {
            ++i;
            continue;
          }
          break;
        }
        if ((b & 0xE0) == 0xC0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
          if (table_.Plain((static_cast<char32_t>(b & 0x1F) << 6) | (s[i + 1] & 0x3F))) {
            i += 2;
            continue;
          }
        }
        break;
      }
      if (i >= n) break;
      const unsigned char b = s[i];
      if (b == ' ' || b == '\n' || b == '\t' || b == '\r') {
        Whitespace(i);
        i = ws_end_;
        continue;
      }
      size_t j = i;
      char32_t c = DecodeUtf8(in_, &j);
      if (IsApostrophe(c)) {
        size_t after;
        if (Clitic(i, j, &after)) {
          i = after;
          continue;
        }
      }
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

  // True when the space before `next` stands between two characters and
  // stays: the next character is neither a space nor a line break.
  static bool SingleSpaceBefore(const unsigned char* next) {
    const unsigned char c = next[0];
    if (c < 0x80) return c != ' ' && c != '\n' && c != '\t' && c != '\r';
    return (c & 0xE0) == 0xC0 && !(c == 0xC2 && (next[1] == 0x85 || next[1] == 0xA0));
  }

  // An apostrophe [a, j) after ASCII letters: expands or drops an English
  // clitic ("don't" → "do not", "minister's" → "minister"). Returns false
  // when there is nothing to do; else sets *after past what was consumed.
  bool Clitic(size_t a, size_t j, size_t* after) {
    size_t b = a;
    while (b > run_ && IsAsciiLetter(static_cast<unsigned char>(in_[b - 1]))) --b;
    if (b == a) return false;
    size_t k = j;
    while (k < in_.size() && IsAsciiLetter(static_cast<unsigned char>(in_[k]))) ++k;
    std::string base, clitic;
    for (size_t m = b; m < a; ++m) base.push_back(static_cast<char>(in_[m] | 0x20));
    for (size_t m = j; m < k; ++m) clitic.push_back(static_cast<char>(in_[m] | 0x20));
    if (clitic == "t" && EndsWith(base, "n")) {
      // n't: "don't" → "do not", "can't" → "can not", "won't" → "will not".
      const char* expansion = base == "won" ? "will not" : base == "shan" ? "shall not"
                              : base == "can" ? "can not" : nullptr;
      if (expansion != nullptr) {
        Replace(b, k, expansion);
      } else {
        Replace(a - 1, k, " not");
      }
      *after = k;
      return true;
    }
    if (k > j) {
      const char* e = Expand(base, clitic);
      if (e == nullptr) return false;
      Replace(a, k, e);
      *after = k;
      return true;
    }
    if (base.back() == 's') {
      Replace(a, j, "");  // plural possessive: ministers' → ministers
      *after = j;
      return true;
    }
    return false;
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
  // A branch-free loop the compiler vectorizes.
  auto* p = reinterpret_cast<unsigned char*>(out->data());
  for (size_t i = start, n = out->size(); i < n; ++i) {
    const unsigned char c = p[i];
    p[i] = static_cast<unsigned char>(c + ((static_cast<unsigned char>(c - 'A') < 26) << 5));
  }
}

}  // namespace quotematch::internal
