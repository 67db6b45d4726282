// The spacing pass: characters → display. See passes.h and
// docs/normalization.md for the conventions.
//
// Persian text is split into items (words, whitespace runs, numbers,
// protected spans, punctuation), and each non-space item is decided with a
// few items around it: Separator for what stands between it and the item
// before, EmitItem for the item itself. Most of the cost is per word, and
// most words need no decision, so:
//
//   - Scan lexes runs of words and single spaces from 64-byte masks
//     (ArabicBlock: which bytes are surely letters, spaces, ZWNJ, خ, three
//     equal characters), and everything else one item at a time (LexAt).
//   - Each word is classified once: its roles (a table probe), and flags
//     that over-approximate what FixWord could change. Over-approximation
//     is safe by design: a flag only asks FixWord for a closer look, and
//     FixWord, which has the last word, copies a word it finds fine.
//   - A word is quiet when the rules provably only copy it and what stands
//     before it (AddWordItem says when); Run copies quiet words without a
//     decision. In news text, about five words in six are quiet.
//
// The one-item-at-a-time lexer is the reference for the block lexer: a
// test and the fuzzer compare the two (SpacingPass's `block_lexing`).
#include <algorithm>
#include <cstring>

#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/internal/arabic_scan.h"
#include "normalize/internal/kernels/kernels.h"
#include "normalize/internal/ascii_scan.h"
#include "normalize/internal/passes.h"
#include "normalize/unicode.h"

namespace quotematch::internal {
namespace {

constexpr char kZwnj[] = "\xE2\x80\x8C";  // U+200C ZERO WIDTH NON-JOINER
constexpr char32_t kZwnjCp = 0x200C;

bool IsAsciiAlnum(char32_t c) {
  return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}
bool IsLatinLetter(char32_t c) {
  if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
  return c < 0x0250 && unicode::IsLetter(c);
}

}  // namespace

bool IsArabicLetter(char32_t c) {
  return ((c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) || c == 0x06D5 ||
          (c >= 0x06FA && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F));
}

bool JoinsNext(char32_t c) {
  switch (c) {
    case U'ا': case U'آ': case U'أ': case U'إ': case U'ٱ': case U'د': case U'ذ': case U'ر':
    case U'ز': case U'ژ': case U'و': case U'ؤ': case U'ۀ': case U'ة': case U'ء':
      return false;
    default:
      return IsArabicLetter(c);
  }
}

uint8_t ComputeClass(char32_t c) {
  uint8_t k = 0;
  if (IsArabicLetter(c)) k |= kClassArabicLetter;
  if (unicode::IsMark(c)) k |= kClassMark;
  if (IsSpaceCp(c)) k |= kClassSpace;
  if (unicode::DigitValue(c) >= 0) k |= kClassDigit;
  if (unicode::IsPunctuation(c)) k |= kClassPunct;
  return k;
}

const uint8_t* SmallClassTable() {
  static const auto* table = [] {
    auto* t = new uint8_t[0x800];
    for (char32_t c = 0; c < 0x800; ++c) t[c] = ComputeClass(c);
    return t;
  }();
  return table;
}

// The protected span starting at `i`, if any. `*next` is where a scan
// should continue when there is none.
bool ProtectedAt(std::string_view text, size_t i, ProtectedSpan* found, size_t* next_out) {
  const size_t n = text.size();
  auto cp_at = [&](size_t pos, size_t* next) {
    *next = pos;
    return DecodeUtf8(text, next);
  };
  size_t next;
  char32_t c = cp_at(i, &next);
  *next_out = next;
  // @mention / #hashtag: the mark, then letters of any script, digits, _.
  if ((c == '@' || c == '#') && next < n) {
    size_t k;
    char32_t d = cp_at(next, &k);
    bool prev_ok = i == 0 || !IsAsciiAlnum(static_cast<unsigned char>(text[i - 1]));
    if (prev_ok && (unicode::IsLetter(d) || unicode::DigitValue(d) >= 0 || d == '_')) {
      size_t end = next;
      while (end < n) {
        size_t m;
        char32_t e = cp_at(end, &m);
        if (!(unicode::IsLetter(e) || unicode::IsMark(e) || unicode::DigitValue(e) >= 0 || e == '_' ||
              e == kZwnjCp)) {
          break;
        }
        end = m;
      }
      *found = {{static_cast<uint32_t>(i), static_cast<uint32_t>(end)},
                c == '@' ? ProtectedKind::kMention : ProtectedKind::kHashtag};
      *next_out = end;
      return true;
    }
    return false;
  }
  // A Latin run: ASCII letters and digits with inner URL/file punctuation.
  if (!(IsLatinLetter(c) || (c >= '0' && c <= '9'))) return false;
  size_t end = next;
  bool has_letter = IsLatinLetter(c);
  bool has_at = false, has_scheme = false;
  while (end < n) {
    size_t m;
    char32_t e = cp_at(end, &m);
    if (IsLatinLetter(e) || (e >= '0' && e <= '9')) {
      has_letter |= IsLatinLetter(e);
      end = m;
      continue;
    }
    // Inner punctuation continues the run only when an ASCII letter or
    // digit (or, for "://", a slash) follows.
    static constexpr std::string_view kInner = "._-@:/%?=&+~#'";
    if (e < 0x80 && kInner.find(static_cast<char>(e)) != std::string_view::npos && m < n) {
      size_t q = m;
      char32_t f = cp_at(m, &q);
      bool url_slash = e == ':' && f == '/';
      if (IsAsciiAlnum(f) || url_slash || (e == '/' && f == '/')) {
        has_at |= e == '@';
        has_scheme |= url_slash;
        end = m;
        continue;
      }
    }
    break;
  }
  *next_out = end;
  if (!has_letter) return false;
  std::string_view run = text.substr(i, end - i);
  ProtectedKind kind = ProtectedKind::kLatin;
  if (has_scheme || StartsWith(run, "www.")) kind = ProtectedKind::kUrl;
  else if (has_at) kind = ProtectedKind::kEmail;
  *found = {{static_cast<uint32_t>(i), static_cast<uint32_t>(end)}, kind};
  return true;
}

// True for a byte that can start a protected span: ASCII letters, digits,
// @ and #, and the lead bytes of Latin-1 / Latin Extended letters.
inline bool MayStartProtected(unsigned char b) {
  return (b >= '0' && b <= '9') || ((b | 32) >= 'a' && (b | 32) <= 'z') || b == '@' || b == '#' ||
         (b >= 0xC3 && b <= 0xC9);
}

std::vector<ProtectedSpan> FindProtected(std::string_view text) {
  std::vector<ProtectedSpan> out;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    if (!MayStartProtected(bytes[i])) {
      ++i;
      while (i < text.size() && (bytes[i] & 0xC0) == 0x80) ++i;
      continue;
    }
    ProtectedSpan span;
    size_t next;
    if (ProtectedAt(text, i, &span, &next)) out.push_back(span);
    i = next;
  }
  return out;
}

namespace {

enum class ItemKind : uint8_t { kSpace, kNewline, kWord, kNumber, kProtected, kPunct, kOther };

// What ScanWord notes about a word, for EmitWord: most words need no
// word-internal fix, and these flags let it copy them without a look.
enum WordFlag : uint8_t {
  kWordCheck = 1,     // may need a word-internal fix: FixWord decides
  kWordZwnj = 2,      // has a ZWNJ
  kWordTriple = 4,    // has three equal characters in a row
  kWordEndsHeh = 8,   // ends in ه: an ezafe written apart may follow (خانه ی)
  kWordKhe = 16,      // may have خ (and so خواه)
  kWordQuiet = 32,    // Run copies it and what stands before it (one space or
                      // nothing) with no decision: see AddWordItem
};

struct Item {
  Item(ItemKind k, uint32_t b, uint32_t e, int lines = 0) : kind(k), begin(b), end(e), newlines(lines) {}
  ItemKind kind;
  uint8_t flags = 0;         // WordFlag bits of a word
  uint16_t roles = 0;        // PersianWordRules::Roles of a word
  uint32_t begin, end;
  int newlines;
};

bool IsClosingPunct(char32_t c) {
  switch (c) {
    case '.': case ',': case U'،': case U'؛': case ';': case ':': case '!': case '?': case U'؟':
    case U'»': case ')': case ']': case '}': case U'…': case '%': case U'٪':
      return true;
    default:
      return false;
  }
}
bool IsOpeningPunct(char32_t c) { return c == U'«' || c == '(' || c == '[' || c == '{'; }

class SpacingRun {
 public:
  SpacingRun(std::string_view in, Language language, const NormalizerOptions& options,
             const PersianWordRules& rules, std::string* out, OffsetMapBuilder* map, bool block_lexing)
      : in_(in), persian_(language == Language::kPersian), o_(options), rules_(rules), out_(out),
        map_(map), block_lexing_(block_lexing) {}

  void Run() {
    Scan();
    int last = -1;  // index of the previous non-space item
    const Item* items = items_.data();
    for (size_t k = 0; k < items_.size(); ++k) {
      const Item& it = items[k];
      // The bulk of Persian text: what Separator and EmitWord would do with
      // a quiet word is copy it and what stands between it and the item
      // before (one space, or nothing).
      if ((it.flags & kWordQuiet) && skip_until_ <= it.begin) {
        Copy(items[last].end, it.end);
        last = static_cast<int>(k);
        continue;
      }
      if (it.kind == ItemKind::kSpace || it.kind == ItemKind::kNewline) continue;
      if (skip_until_ > it.begin) {  // consumed by a join of an earlier item
        last = static_cast<int>(k);
        continue;
      }
      // The whitespace between the previous item and this one.
      size_t sep_begin = last < 0 ? 0 : items_[last].end;
      Separator(last, static_cast<int>(k), sep_begin, it.begin);
      if (skip_until_ > it.begin) {  // consumed by a join of the separator
        last = static_cast<int>(k);
        continue;
      }
      EmitItem(static_cast<int>(k));
      last = static_cast<int>(k);
    }
    // Trailing whitespace.
    size_t tail = last < 0 ? 0 : items_[last].end;
    if (tail < in_.size()) {
      if (o_.spacing) Replace(tail, in_.size(), "");
      else Copy(tail, in_.size());
    }
    FlushPending();
  }

 private:
  // Splits the text into items: runs of words and single spaces from the
  // masks of 64-byte blocks (ScanBlock), the rest one item at a time.
  void Scan() {
    const size_t n = in_.size();
    const auto* bytes = reinterpret_cast<const unsigned char*>(in_.data());
    items_.reserve(n / 4 + 16);
    for (size_t i = 0; i < n;) {
      if (block_lexing_ && i >= 4 && i + 80 <= n) {
        const size_t stop = ScanBlock(i);
        if (stop != i) {
          i = stop;
          continue;
        }
      }
      i = LexAt(i, n, bytes);
    }
  }

  // Makes the items of the words and single spaces that start in the 64
  // bytes from `i`, as LexAt would, and returns where it stopped: before
  // an item the masks do not settle (LexAt makes it), or a word that may
  // reach past the block. `i` must start an item, with 4 bytes before it
  // and 80 after.
  size_t ScanBlock(size_t i) {
    const unsigned char* const text = reinterpret_cast<const unsigned char*>(in_.data());
    // The masks of a block serve the items that start in its first 48
    // bytes, across the items LexAt makes in between; a word that reaches
    // past 60 bytes moves the block to its start.
    if (!(i >= block_ && i < block_ + 48)) {
      block_ = i;
      masks_ = arabic_block_(text + i);
    }
    size_t pos = i - block_;
    while (true) {
      const unsigned char* const s = text + block_;
      const ArabicMasks& m = masks_;
      const uint64_t here = uint64_t{1} << pos;
      if (m.word & here) {
        // A word starts with a letter or a ZWNJ; a mark here is an item of its own.
        if (s[pos] != 0xE2 && !(small_class_[Cp2Byte(s + pos)] & kClassArabicLetter)) break;
        const uint64_t rest = ~m.word >> pos;
        const size_t end = pos + static_cast<size_t>(__builtin_ctzll(rest | (uint64_t{1} << (63 - pos))));
        if (end >= 60) {  // may go on past the block
          if (pos == 0 || block_ + pos + 80 > in_.size()) break;
          block_ += pos;
          masks_ = arabic_block_(text + block_);
          pos = 0;
          continue;
        }
        // Only ASCII surely ends a word; anything else is tested exactly.
        if (s[end] >= 0x80 && WordCharAt(block_ + end)) break;
        const uint64_t range = ((uint64_t{1} << end) - 1) & ~(here - 1);
        AddWordItem(block_ + pos, block_ + end, (m.zwnj & range) != 0, (m.triple & range) != 0, (m.khe & range) != 0);
        pos = end;
        continue;
      }
      if (pos < 63 && (m.space & here) && (m.word & (here << 1))) {  // one space before a word
        Add(ItemKind::kSpace, block_ + pos, block_ + pos + 1);
        ++pos;
        continue;
      }
      break;
    }
    return block_ + pos;
  }

  // True when the character at `pos` continues a word (ScanWord's test).
  bool WordCharAt(size_t pos) const {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const unsigned char b = s[pos];
    if (b - 0xD8u < 4u) return (small_class_[Cp2Byte(s + pos)] & (kClassArabicLetter | kClassMark)) != 0;
    if (b < 0x80) return false;
    if (b == 0xE2 && s[pos + 1] == 0x80 && s[pos + 2] == 0x8C) return true;
    size_t m;
    uint8_t dc;
    char32_t d = ClassAt(pos, &m, &dc);
    return (dc & kClassArabicLetter) || (d >= 0x0300 && (dc & kClassMark));
  }

  char32_t CpAt(size_t pos) const {
    size_t p = pos;
    return DecodeUtf8(in_, &p);
  }
  // The last code point of [b, e), skipping diacritics.
  char32_t LastLetter(uint32_t b, uint32_t e) const {
    char32_t last = 0;
    for (size_t i = b; i < e;) {
      char32_t c = DecodeUtf8(in_, &i);
      if (!unicode::IsMark(c)) last = c;
    }
    return last;
  }
  std::string_view Text(const Item& it) const { return in_.substr(it.begin, it.end - it.begin); }

  // Copies are lazy: consecutive copied ranges accumulate into one pending
  // run, appended in bulk when a replacement (or the end) comes.
  void Copy(size_t b, size_t e) {
    if (e <= b) return;
    if (b != pending_end_) {
      FlushPending();
      pending_begin_ = b;
    }
    pending_end_ = e;
  }
  void FlushPending() {
    if (pending_end_ > pending_begin_) {
      out_->append(in_.data() + pending_begin_, pending_end_ - pending_begin_);
      map_->Copy(static_cast<uint32_t>(pending_begin_), static_cast<uint32_t>(pending_end_ - pending_begin_));
    }
    pending_begin_ = pending_end_ = 0;
  }
  void Replace(size_t b, size_t e, std::string_view text) {
    FlushPending();
    out_->append(text);
    map_->Replace(static_cast<uint32_t>(b), static_cast<uint32_t>(e - b), static_cast<uint32_t>(text.size()));
    pending_begin_ = pending_end_ = e;
  }

  // The code point at `pos` and its class; `*next` is set past it.
  char32_t ClassAt(size_t pos, size_t* next, uint8_t* cls) const {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const unsigned char b = s[pos];
    char32_t c;
    if (b < 0x80) {
      c = b;
      *next = pos + 1;
    } else if ((b & 0xE0) == 0xC0 && pos + 1 < in_.size()) {
      c = (static_cast<char32_t>(b & 0x1F) << 6) | (s[pos + 1] & 0x3F);
      *next = pos + 2;
    } else {
      *next = pos;
      c = DecodeUtf8(in_, next);
    }
    *cls = c == kZwnjCp ? 0 : c < 0x800 ? small_class_[c] : ComputeClass(c);
    return c;
  }

  void Add(ItemKind kind, size_t b, size_t e, int newlines = 0) {
    items_.emplace_back(kind, static_cast<uint32_t>(b), static_cast<uint32_t>(e), newlines);
  }

  // Makes the item that starts at `i` and returns its end. Words — the
  // bulk of the text — take the fast path of ScanWord; everything else is
  // classified one code point at a time.
  size_t LexAt(size_t i, const size_t n, const unsigned char* bytes) {
    {
      const unsigned char b = bytes[i];
      // A letter of the Arabic block (U+0600–U+06FF, lead bytes D8–DB)
      // starts a word; it never starts a protected span.
      if (b - 0xD8u < 4u && (small_class_[Cp2Byte(bytes + i)] & kClassArabicLetter)) return AddWord(i);
      // One space before an Arabic-block character.
      if (b == ' ' && i + 1 < n && bytes[i + 1] - 0xD8u < 4u) {
        Add(ItemKind::kSpace, i, i + 1);
        return i + 1;
      }
      if (i >= no_protected_until_ && MayStartProtected(b)) {
        ProtectedSpan span;
        size_t next;
        if (ProtectedAt(in_, i, &span, &next)) {
          Add(ItemKind::kProtected, span.span.begin, span.span.end);
          return span.span.end;
        }
        no_protected_until_ = next;
      }
      size_t j;
      uint8_t cls;
      char32_t c = ClassAt(i, &j, &cls);
      if ((cls & kClassArabicLetter) || c == kZwnjCp ||
          ((cls & kClassMark) && !items_.empty() && items_.back().kind == ItemKind::kWord &&
           items_.back().end == i)) {
        return AddWord(i);
      }
      if (cls & kClassSpace) {
        int newlines = c == '\n';
        size_t end = j;
        while (end < n) {
          size_t m;
          uint8_t dc;
          char32_t d = ClassAt(end, &m, &dc);
          if (!(dc & kClassSpace)) break;
          newlines += d == '\n';
          end = m;
        }
        Add(newlines ? ItemKind::kNewline : ItemKind::kSpace, i, end, newlines);
        return end;
      }
      if (cls & kClassDigit) {
        size_t end = j;
        while (end < n) {
          size_t m;
          uint8_t dc;
          char32_t d = ClassAt(end, &m, &dc);
          if (dc & kClassDigit) {
            end = m;
            continue;
          }
          // Separators inside a number: 24.5, 1,200, ۲۴٫۵, ۸۲۰٬۰۰۰, 12/1400, 3:15.
          if ((d == '.' || d == ',' || d == U'٫' || d == U'٬' || d == '/' || d == ':') && m < n) {
            size_t q;
            uint8_t qc;
            ClassAt(m, &q, &qc);
            if (qc & kClassDigit) {
              end = m;
              continue;
            }
          }
          break;
        }
        Add(ItemKind::kNumber, i, end);
        return end;
      }
      Add((cls & kClassPunct) ? ItemKind::kPunct : ItemKind::kOther, i, j);
      return j;
    }
  }

  size_t AddWord(size_t begin) {
    const WordScan w = ScanWord(begin);
    AddWordItem(begin, w.end, w.zwnj, w.triple, w.khe);
    return w.end;
  }

  // The code point of the two-byte sequence at `p` (valid UTF-8).
  static char32_t Cp2Byte(const unsigned char* p) {
    return (static_cast<char32_t>(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
  }
  static uint64_t Load64(const unsigned char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  // The first bytes of `s` as a little-endian number, at compile time.
  static constexpr uint64_t LittleEndian(std::string_view s) {
    uint64_t v = 0;
    for (size_t i = s.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(s[i]);
    return v;
  }

  // Scans the word that starts at `begin` with a first character ending at
  // `i` (its unit `first`; `zwnj` when it is a ZWNJ), adds it and returns
  // its end. A word is Arabic letters, ZWNJ and combining marks.
  //
  // It also sets the word's flags. kWordCheck over-approximates what
  // FixWord can change — a ZWNJ, three equal characters, a start like می،
  // نم or a preverb's first two letters, an end like ترین or a plural
  // ها+ending, a خواه inside — so that FixWord, which has the last word,
  // only sees words that may need it. Characters are compared as 16-bit
  // units (two UTF-8 bytes, or the code point of anything longer), so no
  // test needs decoding.
  // A word as ScanWord found it: its end, and whether it has a ZWNJ,
  // maybe three equal characters in a row, maybe a خ.
  struct WordScan {
    size_t end;
    bool zwnj, triple, khe;
  };

  __attribute__((always_inline)) WordScan ScanWord(size_t begin) const {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const size_t n = in_.size();
    bool zwnj = false, triple = false, khe = false;
    size_t i = begin;
    // Three equal two-byte characters ending with the one at `i`.
    auto triple_at = [&](size_t i) {
      return i - begin >= 4 && s[i] == s[i - 2] && s[i] == s[i - 4] && s[i + 1] == s[i - 1] && s[i + 1] == s[i - 3];
    };
    while (true) {
      i = SkipArabicLetters(s, i, n, &khe, &triple);  // the bulk, 16 bytes at a time
      if (i >= n) break;
      // One character the fast scan did not vouch for, tested exactly.
      const unsigned char b = s[i];
      if (b - 0xD8u < 4u) {
        const char32_t c = Cp2Byte(s + i);
        if (!(small_class_[c] & (kClassArabicLetter | kClassMark))) break;
        khe |= c == U'خ';
        triple |= triple_at(i);
        i += 2;
      } else if (b < 0x80) {
        break;
      } else if (b == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x8C) {  // ZWNJ
        zwnj = true;
        i += 3;
      } else {
        size_t m;
        uint8_t dc;
        char32_t d = ClassAt(i, &m, &dc);
        if (!((dc & kClassArabicLetter) || (d >= 0x0300 && (dc & kClassMark)))) break;
        if (m == i + 2) triple |= triple_at(i);
        i = m;
      }
    }
    return {i, zwnj, triple, khe};
  }

  // Sets the roles and flags of `word`, given what the scan saw in it: a
  // ZWNJ, three equal characters in a row (maybe), a خ (maybe).
  __attribute__((always_inline)) void SetWordFlags(Item* word, bool zwnj, bool triple, bool khe) const {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const size_t begin = word->begin, end = word->end, len = end - begin;
    if (len > 16) {
      ClassifyWord(word, Load64(s + begin), Load64(s + begin + 8), zwnj, triple, khe);
      return;
    }
    // The word's first 16 bytes, zero-padded: what the roles table and the
    // head test read.
    uint64_t lo, hi;
    if (begin + 16 <= in_.size()) {
      lo = Load64(s + begin);
      hi = Load64(s + begin + 8);
    } else {
      unsigned char buf[16] = {};
      std::memcpy(buf, s + begin, len);
      lo = Load64(buf);
      hi = Load64(buf + 8);
    }
    lo &= persian_rules_internal::kLowMask[len];
    hi &= persian_rules_internal::kHighMask[len];
    ClassifyWord(word, lo, hi, zwnj, triple, khe);
  }

  // The roles and flags of `word` (see SetWordFlags; `lo` and `hi` are its
  // first 16 bytes, zero-padded).
  __attribute__((always_inline)) void ClassifyWord(Item* word, uint64_t lo, uint64_t hi, bool zwnj, bool triple,
                                                   bool khe) const {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const size_t begin = word->begin, end = word->end, len = end - begin;
    const uint16_t roles = len <= 16 ? rules_.PaddedRoles(lo, hi, len) : rules_.Roles(in_.substr(begin, len));
    // The 16 bytes before the end (some may lie before the word: a match
    // there only costs FixWord a look).
    uint64_t tail_lo, tail_hi;
    if (end >= 16) {
      tail_lo = Load64(s + end - 16);
      tail_hi = Load64(s + end - 8);
    } else {
      unsigned char pad[16] = {};
      std::memcpy(pad + 16 - end, s, end);
      tail_lo = Load64(pad);
      tail_hi = Load64(pad + 8);
    }
    const bool ends_heh = (tail_hi >> 48) == 0x87D9;  // ه (D9 87), every word having two bytes
    bool check = zwnj | triple | ((len >= 4) & TailSuspect(tail_lo, tail_hi));
    if (MayStartMi(lo)) check |= MiHead(lo, hi);
    if (khe && !check) check = in_.substr(begin, len).find("خواه") != std::string_view::npos;
    word->roles = roles;
    word->flags = static_cast<uint8_t>(check * kWordCheck | zwnj * kWordZwnj | triple * kWordTriple |
                                       ends_heh * kWordEndsHeh | khe * kWordKhe);
  }

  // Adds the word [begin, end), with what the scan saw in it (see
  // SetWordFlags), and settles which words are quiet: those for which
  // Separator and EmitWord would only copy the word and the one space (or
  // nothing) between it and the item before. EmitWord only copies when
  // FixWord has nothing to do (kWordCheck clear) and no ezafe written apart
  // follows (the word before loses its quietness when this word is ی:
  // خانه ی). Separator only copies one space after a word when no rule of
  // JoinWords can join the two: the word before is no می or بی (which join
  // the next word), the pair is no join start before a join's second word,
  // and this word is none of the bound parts that join the word before
  // (ها، تر، clitics, compound parts). After a punctuation mark it copies
  // the space unless the mark opens («, (, ...), and emits nothing where
  // there is no space unless the mark closes (., ،, », ...: it puts a space
  // there); after a number or a Latin token, it copies.
  __attribute__((always_inline)) void AddWordItem(size_t begin, size_t end, bool zwnj, bool triple, bool khe) {
    using R = PersianWordRules;
    Item& word = items_.emplace_back(ItemKind::kWord, static_cast<uint32_t>(begin), static_cast<uint32_t>(end));
    SetWordFlags(&word, zwnj, triple, khe);
    Item* const first = items_.data();
    Item* before = &word - 1;
    if (before < first) return;
    bool spaced = false;
    if (before->kind == ItemKind::kSpace) {
      if (before == first) return;  // the text's leading space
      Item* const word_before = before - 1;
      if (end == begin + 2 && in_[begin] == '\xDB' && in_[begin + 1] == '\x8C' &&  // ی
          word_before->kind == ItemKind::kWord) {
        word_before->flags &= ~kWordQuiet;
      }
      if (!(before->end == before->begin + 1 && in_[before->begin] == ' ')) return;
      spaced = true;
      before = word_before;
    }
    if (word.flags & kWordCheck) return;
    bool copies;
    switch (before->kind) {
      case ItemKind::kWord: {
        const uint16_t pr = before->roles, nr = word.roles;
        copies = spaced && !((pr & (R::kMi | R::kBi)) || ((pr & R::kJoinStart) && (nr & R::kJoinSecond)) ||
                             (nr & (R::kPluralWord | R::kTar | R::kClitic | R::kBound)));
        break;
      }
      case ItemKind::kPunct: {
        const char32_t pc = CpAt(before->begin);
        copies = !o_.punctuation_spacing ||
                 (spaced ? !IsOpeningPunct(pc) : !(IsClosingPunct(pc) && pc != '%' && pc != U'٪'));
        break;
      }
      case ItemKind::kNumber:
      case ItemKind::kProtected:
      case ItemKind::kOther:
        copies = true;
        break;
      default:  // whitespace: a newline
        copies = false;
    }
    if (copies) word.flags |= kWordQuiet;
  }

  // True when the first two letters of the word whose first bytes are `lo`
  // are those of می، نمی or a preverb (می نم بر با در فر وا ور): the few words
  // for which MiHead must look further.
  static bool MayStartMi(uint64_t lo) {
    static constexpr uint32_t kHeads[] = {
        static_cast<uint32_t>(LittleEndian("می")), static_cast<uint32_t>(LittleEndian("نم")),
        static_cast<uint32_t>(LittleEndian("بر")), static_cast<uint32_t>(LittleEndian("با")),
        static_cast<uint32_t>(LittleEndian("در")), static_cast<uint32_t>(LittleEndian("فر")),
        static_cast<uint32_t>(LittleEndian("وا")), static_cast<uint32_t>(LittleEndian("ور"))};
    const auto head = static_cast<uint32_t>(lo);
    bool maybe = false;
    for (uint32_t h : kHeads) maybe |= head == h;
    return maybe;
  }

  // True when the word whose first 16 bytes (zero-padded) are `lo` and
  // `hi` starts with می or نمی, alone or after a preverb (بر در باز فرا فرو
  // وا ور): FixWord may join them. Compares without a branch.
  static bool MiHead(uint64_t lo, uint64_t hi) {
    constexpr uint64_t k4 = 0xFFFFFFFF, k6 = 0xFFFFFFFFFFFF;
    static constexpr uint64_t kMi = LittleEndian("می") & k4, kNmi = LittleEndian("نمی") & k6;
    static constexpr uint64_t kBar = LittleEndian("بر") & k4, kDar = LittleEndian("در") & k4,
                              kVa = LittleEndian("وا") & k4, kVar = LittleEndian("ور") & k4;
    static constexpr uint64_t kBaz = LittleEndian("باز") & k6, kFara = LittleEndian("فرا") & k6,
                              kFaru = LittleEndian("فرو") & k6;
    auto mi = [](uint64_t v) { return ((v & k4) == kMi) | ((v & k6) == kNmi); };
    const uint64_t four = lo & k4, six = lo & k6;
    const bool pre4 = (four == kBar) | (four == kDar) | (four == kVa) | (four == kVar);
    const bool pre6 = (six == kBaz) | (six == kFara) | (six == kFaru);
    return mi(lo) | (pre4 & mi((lo >> 32) | (hi << 32))) | (pre6 & mi((lo >> 48) | (hi << 16)));
  }

  // True when the 16 bytes `lo`, `hi` before a word's end end in ترین or
  // have ها 4, 6, 8, 10 or 12 bytes before the end — where the plural
  // endings (ها، های، هایی، هاشان، هایشان, ...) put it.
  static bool TailSuspect(uint64_t lo, uint64_t hi) {
    static constexpr uint32_t kHa = static_cast<uint32_t>(LittleEndian("ها"));
    static constexpr uint64_t kTarin = LittleEndian("ترین");
    return (hi == kTarin) | (static_cast<uint32_t>(hi >> 32) == kHa) | (static_cast<uint32_t>(hi >> 16) == kHa) |
           (static_cast<uint32_t>(hi) == kHa) | (static_cast<uint32_t>((lo >> 48) | (hi << 16)) == kHa) |
           (static_cast<uint32_t>(lo >> 32) == kHa);
  }

  bool JoinsAfter(const Item& it) const { return JoinsNext(LastLetter(it.begin, it.end)); }

  // Decides and emits what stands between items `prev` and `next` (the
  // original bytes [b, e) are whitespace, possibly empty).
  void Separator(int prev, int next, size_t b, size_t e) {
    const Item& nx = items_[next];
    // The common case: one plain space between two words.
    if (prev >= 0 && next == prev + 2 && e == b + 1 && in_[b] == ' ' && items_[prev].kind == ItemKind::kWord &&
        nx.kind == ItemKind::kWord) {
      if ((items_[prev].roles | nx.roles) == 0 || !(persian_ && o_.zwnj && JoinWords(prev, next, b, e))) Copy(b, e);
      return;
    }
    if (prev < 0) {  // leading whitespace
      if (e > b) {
        if (o_.spacing) Replace(b, e, "");
        else Copy(b, e);
      }
      return;
    }
    const Item& pv = items_[prev];
    int newlines = 0;
    for (size_t k = prev + 1; k < static_cast<size_t>(next); ++k) newlines += items_[k].newlines;
    if (newlines > 0) {
      if (o_.spacing) Replace(b, e, newlines >= 2 ? "\n\n" : "\n");
      else Copy(b, e);
      return;
    }
    const bool spaced = e > b;
    if (persian_ && o_.zwnj && pv.kind == ItemKind::kWord && nx.kind == ItemKind::kWord && spaced) {
      if (JoinWords(prev, next, b, e)) return;
    }
    if (persian_ && o_.punctuation_spacing) {
      const char32_t pc = pv.kind == ItemKind::kPunct ? CpAt(pv.begin) : 0;
      const char32_t nc = nx.kind == ItemKind::kPunct ? CpAt(nx.begin) : 0;
      if (spaced && ((nc && IsClosingPunct(nc)) || (pc && IsOpeningPunct(pc)))) {
        Replace(b, e, "");
        return;
      }
      if (!spaced) {
        const bool next_is_content = nx.kind == ItemKind::kWord || nx.kind == ItemKind::kNumber ||
                                     nx.kind == ItemKind::kProtected || (nc && IsOpeningPunct(nc));
        const bool prev_is_content = pv.kind == ItemKind::kWord || pv.kind == ItemKind::kNumber ||
                                     pv.kind == ItemKind::kProtected;
        if (pc && IsClosingPunct(pc) && next_is_content && !(pc == '%' || pc == U'٪')) {
          Replace(b, e, " ");
          return;
        }
        if (nc && IsOpeningPunct(nc) && prev_is_content) {
          Replace(b, e, " ");
          return;
        }
      }
    }
    if (!spaced) return;
    if (o_.spacing && Text(Item{ItemKind::kSpace, static_cast<uint32_t>(b), static_cast<uint32_t>(e)}) != " ") {
      Replace(b, e, " ");
    } else {
      Copy(b, e);
    }
  }

  // Persian word spacing between two words separated by whitespace [b, e).
  // Returns true when it emitted the separator (and maybe consumed words).
  bool JoinWords(int prev, int next, size_t b, size_t e) {
    const Item& pv = items_[prev];
    const Item& nx = items_[next];
    std::string_view p = Text(pv), n = Text(nx);
    using R = PersianWordRules;
    const uint16_t pr = pv.roles;
    const uint16_t nr = nx.roles;
    if (pr == 0 && nr == 0) return false;  // the common case: nothing to join
    auto join = [&](bool zwnj_if_joining) {
      Replace(b, e, zwnj_if_joining && JoinsAfter(pv) ? kZwnj : "");
      return true;
    };
    // Two- and three-word joins of the data file.
    // A join starts with a join start and goes on with a join's second word.
    if ((pr & R::kJoinStart) && (nr & R::kJoinSecond) && JoinTable(prev, next)) return true;
    if (pr & R::kMi) {
      // می after ماه or a day number is the month May (ماه می، ۱۵ می), not
      // the verbal prefix.
      const bool may = p == "می" && prev > 0 && PreviousWordIs(prev, "ماه");
      if (!may && rules_.IsVerbAfterMi(StripZwnj(n))) return join(true);
    }
    // Preverb + می/نمی: بر می گردد → برمی‌گردد (the ZWNJ after می is added when
    // the next word is emitted).
    if ((pr & R::kPreverb) && (StartsWith(n, "می") || StartsWith(n, "نمی"))) {
      std::string_view rest = n.substr(StartsWith(n, "نمی") ? std::string_view("نمی").size()
                                                            : std::string_view("می").size());
      if (StartsWith(rest, kZwnj)) rest.remove_prefix(3);
      if (rest.empty() && static_cast<size_t>(next + 2) < items_.size() &&
          items_[next + 1].kind == ItemKind::kSpace && items_[next + 2].kind == ItemKind::kWord) {
        rest = Text(items_[next + 2]);
      }
      if (rules_.IsPreverbOf(p, rest)) return join(false);
    }
    if (nr & (R::kPluralWord | R::kTar)) return join(true);
    if ((nr & R::kClitic) && LastLetter(pv.begin, pv.end) == U'ه') return join(true);
    if (pr & R::kBi) return join(true);
    if (nr & R::kBound) return join(true);
    return false;
  }

  // True when the content item before `k` (across one space) is the word
  // `word` or a number.
  bool PreviousWordIs(int k, std::string_view word) const {
    int m = k - 1;
    while (m >= 0 && items_[m].kind == ItemKind::kSpace) --m;
    if (m < 0) return false;
    return items_[m].kind == ItemKind::kNumber || (items_[m].kind == ItemKind::kWord && Text(items_[m]) == word);
  }

  static std::string_view StripZwnj(std::string_view s) {
    if (StartsWith(s, kZwnj)) s.remove_prefix(3);
    return s;
  }
  static bool IsPreverb(std::string_view w) {
    return w == "بر" || w == "در" || w == "باز" || w == "فرا" || w == "فرو" || w == "وا" || w == "ور";
  }

  bool JoinTable(int prev, int next) {
    if (!rules_.IsJoinStart(Text(items_[prev]))) return false;
    // Longest first: three words, then two.
    for (int words = 3; words >= 2; --words) {
      std::string spaced(Text(items_[prev]));
      int k = next, taken = 1, last_item = prev;
      while (taken < words && k < static_cast<int>(items_.size())) {
        if (items_[k].kind != ItemKind::kWord) break;
        spaced += ' ';
        spaced += Text(items_[k]);
        last_item = k;
        ++taken;
        if (taken < words) {
          if (k + 2 >= static_cast<int>(items_.size()) || items_[k + 1].kind != ItemKind::kSpace) break;
          k += 2;
        }
      }
      if (taken != words) continue;
      const std::string* joined = rules_.Join(spaced);
      if (joined == nullptr) continue;
      // The previous word was already emitted: replace from the end of it.
      std::string_view first = Text(items_[prev]);
      std::string_view rest = std::string_view(*joined);
      if (!StartsWith(rest, first)) continue;
      rest.remove_prefix(first.size());
      Replace(items_[prev].end, items_[last_item].end, rest);
      skip_until_ = items_[last_item].end;
      return true;
    }
    return false;
  }

  void EmitItem(int k) {
    const Item& it = items_[k];
    switch (it.kind) {
      case ItemKind::kWord:
        EmitWord(k);
        return;
      case ItemKind::kNumber:
        if (NextToLatin(k)) {
          Copy(it.begin, it.end);  // "February 8, 2024" inside Persian text
        } else {
          EmitNumber(it);
        }
        return;
      case ItemKind::kPunct:
        EmitPunct(k);
        return;
      default:
        Copy(it.begin, it.end);
    }
  }

  // True when the nearest content item on either side (across spaces and
  // commas) is a Latin token.
  bool NextToLatin(int k) const {
    for (int d : {-1, 1}) {
      int m = k + d;
      while (m >= 0 && m < static_cast<int>(items_.size()) &&
             (items_[m].kind == ItemKind::kSpace ||
              (items_[m].kind == ItemKind::kPunct && (CpAt(items_[m].begin) == ',' || CpAt(items_[m].begin) == '.')))) {
        m += d;
      }
      if (m < 0 || m >= static_cast<int>(items_.size())) continue;
      if (items_[m].kind == ItemKind::kProtected) return true;
      if (items_[m].kind == ItemKind::kNumber && d < 0) {
        // 8, 2024 after "February": follow the chain of numbers back.
        int q = m - 1;
        while (q >= 0 && (items_[q].kind == ItemKind::kSpace || items_[q].kind == ItemKind::kPunct)) --q;
        if (q >= 0 && items_[q].kind == ItemKind::kProtected) return true;
      }
    }
    return false;
  }

  void EmitNumber(const Item& it) {
    NormalizerOptions::DigitStyle style = persian_ ? o_.persian_digits : o_.latin_digits;
    // Digits glued to Latin letters belong to a Latin token and stay.
    if (style == NormalizerOptions::DigitStyle::kKeep) {
      Copy(it.begin, it.end);
      return;
    }
    char32_t zero = style == NormalizerOptions::DigitStyle::kPersian       ? 0x06F0
                    : style == NormalizerOptions::DigitStyle::kArabicIndic ? 0x0660
                                                                           : '0';
    size_t i = it.begin, run = it.begin;
    while (i < it.end) {
      size_t j = i;
      char32_t c = DecodeUtf8(in_, &j);
      int d = unicode::DigitValue(c);
      if (d >= 0 && c != zero + static_cast<char32_t>(d)) {
        Copy(run, i);
        std::string s;
        AppendUtf8(zero + d, &s);
        Replace(i, j, s);
        run = j;
      }
      i = j;
    }
    Copy(run, it.end);
  }

  void EmitPunct(int k) {
    const Item& it = items_[k];
    char32_t c = CpAt(it.begin);
    if (persian_ && o_.persian_punctuation) {
      auto neighbour_is_persian = [&]() {
        for (int d : {-1, 1}) {
          int m = k + d;
          while (m >= 0 && m < static_cast<int>(items_.size()) && items_[m].kind == ItemKind::kSpace) m += d;
          if (m >= 0 && m < static_cast<int>(items_.size()) && items_[m].kind == ItemKind::kWord) return true;
        }
        return false;
      };
      const char* replacement = nullptr;
      if (c == ',' && neighbour_is_persian()) replacement = "،";
      else if (c == ';' && neighbour_is_persian()) replacement = "؛";
      else if (c == '?' && neighbour_is_persian()) replacement = "؟";
      else if (c == '%' && k > 0 && items_[k - 1].kind == ItemKind::kNumber &&
               o_.persian_digits == NormalizerOptions::DigitStyle::kPersian) {
        replacement = "٪";
      }
      if (replacement != nullptr) {
        Replace(it.begin, it.end, replacement);
        return;
      }
    }
    Copy(it.begin, it.end);
  }

  // Word-internal fixes: ZWNJ clean-up, repeated letters, می/نمی and plural
  // ZWNJ, ezafe ه‌ی → ۀ. Emits the word with fine-grained offsets.
  struct Cp {
    char32_t c;
    uint32_t b, e;
  };

  // True when the word item `k` is followed by a space and the word ی: an
  // ezafe written apart (خانه ی ما).
  bool EzafeApartFollows(int k) const {
    return static_cast<size_t>(k + 2) < items_.size() && items_[k + 1].kind == ItemKind::kSpace &&
           Text(items_[k + 2]) == "ی";
  }

  void EmitWord(int k) {
    const Item& it = items_[k];
    const bool may_fix = (it.flags & kWordCheck) || ((it.flags & kWordEndsHeh) && o_.ezafe_heh && EzafeApartFollows(k));
    if (!persian_ || !may_fix || !(o_.zwnj || o_.reduce_repeats || o_.ezafe_heh)) {
      Copy(it.begin, it.end);
      return;
    }
    FixWord(k);
  }

  // True for a combining mark, from the class table when it can.
  bool IsMarkCp(char32_t c) const { return c < 0x800 ? (small_class_[c] & kClassMark) != 0 : unicode::IsMark(c); }

  // Whether `w` starts or ends with the literal `lit`: a compare of known
  // size, which the compiler inlines (no call, no loop).
  template <size_t N>
  static bool Starts(std::string_view w, const char (&lit)[N]) {
    return w.size() >= N - 1 && std::memcmp(w.data(), lit, N - 1) == 0;
  }
  template <size_t N>
  static bool Ends(std::string_view w, const char (&lit)[N]) {
    return w.size() >= N - 1 && std::memcmp(w.data() + w.size() - (N - 1), lit, N - 1) == 0;
  }
  // The byte length of the preverb (بر در باز فرا فرو وا ور) that starts
  // `w`, or 0.
  static size_t PreverbAt(std::string_view w) {
    if (Starts(w, "بر") || Starts(w, "در") || Starts(w, "وا") || Starts(w, "ور")) return 4;
    if (Starts(w, "باز") || Starts(w, "فرا") || Starts(w, "فرو")) return 6;
    return 0;
  }
  // The byte length of the plural ending (ها، های، هایی، هایم، هایت، هایش،
  // هامان، هاتان، هاشان، هایمان، هایتان، هایشان) that ends `w`, longest
  // first, or 0.
  static size_t PluralEnding(std::string_view w) {
    if (Ends(w, "هایشان") || Ends(w, "هایتان") || Ends(w, "هایمان")) return 12;
    if (Ends(w, "هاشان") || Ends(w, "هاتان") || Ends(w, "هامان")) return 10;
    if (Ends(w, "هایی") || Ends(w, "هایم") || Ends(w, "هایت") || Ends(w, "هایش")) return 8;
    if (Ends(w, "های")) return 6;
    if (Ends(w, "ها")) return 4;
    return 0;
  }

  // Word-internal fixes of the word item `k`: ZWNJ clean-up, repeated
  // letters, می/نمی and plural ZWNJ, ezafe ه‌ی → ۀ. Emits the word with
  // fine-grained offsets. The word is taken apart into code points, each
  // kept or dropped and with text to insert before it; the rules test the
  // kept text.
  void FixWord(int k) {
    const Item& it = items_[k];
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const size_t len = it.end - it.begin;
    // Scratch buffers of the run (members): words are short, but there are
    // many. cps_ gets one entry per code point (at most one per byte).
    if (cps_.size() < len) cps_.resize(len);
    Cp* cps = cps_.data();
    size_t nc = 0;
    for (size_t i = it.begin; i < it.end;) {
      const size_t at = i;
      char32_t c;
      if ((s[i] & 0xE0) == 0xC0) {
        c = Cp2Byte(s + i);
        i += 2;
      } else {
        c = DecodeUtf8(in_, &i);
      }
      cps[nc++] = {c, static_cast<uint32_t>(at), static_cast<uint32_t>(i)};
    }
    if (drop_.size() < nc + 1) {
      drop_.resize(nc + 1);
      insert_before_.resize(nc + 1);
    }
    uint8_t* drop = drop_.data();
    const char** insert_before = insert_before_.data();
    for (size_t i = 0; i <= nc; ++i) {
      drop[i] = 0;
      insert_before[i] = nullptr;
    }
    bool dropped = false, edited = false;
    auto prev_kept_letter = [&](size_t idx) -> char32_t {
      for (size_t m = idx; m-- > 0;) {
        if (!drop[m] && !IsMarkCp(cps[m].c)) return cps[m].c;
      }
      return 0;
    };
    if (o_.zwnj && (it.flags & kWordZwnj)) {
      for (size_t i = 0; i < nc; ++i) {
        if (cps[i].c != kZwnjCp) continue;
        char32_t before = prev_kept_letter(i);
        bool at_edge = before == 0 || i + 1 == nc;
        bool doubled = i + 1 < nc && cps[i + 1].c == kZwnjCp;
        if (at_edge || doubled || !JoinsNext(before)) drop[i] = dropped = true;
      }
      // The copula stands apart after silent heh: شده‌است → شده است.
      if (nc >= 6 && cps[nc - 5].c == U'ه' && cps[nc - 4].c == kZwnjCp && cps[nc - 3].c == U'ا' &&
          cps[nc - 2].c == U'س' && cps[nc - 1].c == U'ت' && !drop[nc - 4]) {
        drop[nc - 4] = dropped = true;
        insert_before[nc - 3] = " ";
      }
    }
    if (o_.reduce_repeats && (it.flags & kWordTriple)) {
      for (size_t i = 2; i < nc; ++i) {
        if (IsArabicLetter(cps[i].c) && cps[i].c == cps[i - 1].c && cps[i].c == cps[i - 2].c) drop[i] = dropped = true;
      }
    }
    // The kept text, to test prefixes and suffixes; kept_index maps a byte
    // offset in it to its index in cps (one past the end: nc).
    std::string_view w = in_.substr(it.begin, len);
    if (kept_index_.size() < len + 1) kept_index_.resize(len + 1);
    uint32_t* const kept_index_data = kept_index_.data();
    // Built when a rule first needs it: most words reach FixWord and leave
    // unchanged.
    bool kept_built = false;
    auto build_kept_index = [&] {
      size_t kept_len = 0;
      for (size_t i = 0; i < nc; ++i) {
        if (drop[i]) continue;
        for (uint32_t b = cps[i].b; b < cps[i].e; ++b) kept_index_data[kept_len++] = static_cast<uint32_t>(i);
      }
      kept_index_data[kept_len] = static_cast<uint32_t>(nc);
      kept_built = true;
    };
    auto kept_index = [&](size_t offset) {
      if (!kept_built) build_kept_index();
      return kept_index_data[offset];
    };
    if (dropped) {
      kept_.clear();
      for (size_t i = 0; i < nc; ++i) {
        if (!drop[i]) kept_.append(in_.data() + cps[i].b, cps[i].e - cps[i].b);
      }
      w = kept_;
      build_kept_index();  // before the rules drop more
    }
    auto insert = [&](size_t kept_offset, const char* text) {
      insert_before[kept_index(kept_offset)] = text;
      edited = true;
    };
    if (o_.zwnj) {
      // می/نمی (after an optional preverb) + verb: insert the ZWNJ.
      std::string_view preverb;
      size_t pre = 0;  // bytes before می, a ZWNJ after the preverb included
      if (const size_t pv = PreverbAt(w); pv != 0) {
        std::string_view after = w.substr(pv);
        if (Starts(after, kZwnj)) after.remove_prefix(3);
        if (Starts(after, "می") || Starts(after, "نمی")) {
          preverb = w.substr(0, pv);
          pre = w.size() - after.size();
        }
      }
      const std::string_view after_pre = w.substr(pre);
      const size_t mi = Starts(after_pre, "نمی") ? 6 : Starts(after_pre, "می") ? 4 : 0;
      if (mi != 0) {
        const std::string_view rest = after_pre.substr(mi);
        if (!rest.empty() && !Starts(rest, kZwnj)) {
          const bool verb = (rules_.IsVerbAfterMi(rest) && !rules_.IsNotVerb(w.substr(pre))) ||
                            (!preverb.empty() && rules_.IsPreverbOf(preverb, rest));
          if (verb) {
            insert(pre + mi, kZwnj);
            // A ZWNJ between preverb and می goes: بر‌میدارم → برمی‌دارم.
            if (pre > preverb.size()) drop[kept_index(preverb.size())] = true;
          }
        }
      }
      // Attached plural ها: ZWNJ after a joining letter (کتابها → کتاب‌ها).
      if (const size_t ending = PluralEnding(w); ending != 0) {
        const std::string_view base = w.substr(0, w.size() - ending);
        // base + ها: the plural's stem with its ها, for the list of words that only look plural.
        if (!base.empty() && !Ends(base, kZwnj) && Letters(base) >= 2 &&
            !rules_.IsNotPlural(w.substr(0, base.size() + 4)) && JoinsNext(cps[kept_index(base.size() - 1)].c)) {
          insert(base.size(), kZwnj);
        }
      }
      // Attached superlative: قشنگترین → قشنگ‌ترین (a base of at least three
      // letters ending in a joining letter; بهترین stays).
      if (Ends(w, "ترین") && !Ends(w, "\xE2\x80\x8Cترین")) {
        const std::string_view base = w.substr(0, w.size() - 8);
        if (Letters(base) >= 3 && JoinsNext(cps[kept_index(base.size() - 1)].c)) insert(base.size(), kZwnj);
      }
      // Future tense written together: برخواهد گشت، خواهدگشت، بر‌نخواهد‌گشت →
      // بر خواهد گشت. The auxiliary stands apart from the preverb and the stem.
      if ((it.flags & kWordKhe) && w.find("خواه") != std::string_view::npos) {
        if (!kept_built) build_kept_index();
        edited |= SplitFuture(w, kept_index_data, nc, drop, insert_before);
      }
    }
    if (o_.ezafe_heh) {
      // Ezafe written ه‌ی at the end of the word → ۀ.
      if (Ends(w, "ه\xE2\x80\x8Cی") && w.size() > 7) {
        const size_t heh = kept_index(w.size() - 7);
        drop[kept_index(w.size() - 5)] = true;  // the ZWNJ
        drop[kept_index(w.size() - 2)] = true;  // the ی
        EmitCps(cps, nc, drop, insert_before, it, heh, "ۀ");
        return;
      }
      // Ezafe written apart (خانه ی ما): the final ه, the space and the ی
      // become ۀ.
      if (Ends(w, "ه") && w.size() > 2 && EzafeApartFollows(k)) {
        EmitCps(cps, nc, drop, insert_before, it, kept_index(w.size() - 2), "ۀ");
        Replace(items_[k + 1].begin, items_[k + 2].end, "");
        skip_until_ = items_[k + 2].end;
        return;
      }
    }
    if (!edited && !dropped) {
      // The common outcome: the word was fine as written.
      Copy(it.begin, it.end);
      return;
    }
    EmitCps(cps, nc, drop, insert_before, it, nc, "");
  }

  // The number of code points of UTF-8 `s`.
  static size_t Letters(std::string_view s) {
    size_t letters = 0;
    for (unsigned char ch : s) letters += (ch & 0xC0) != 0x80;
    return letters;
  }

  // Finds خواه+ending (with an optional ن) inside `w` and puts spaces around
  // it: before it when a preverb precedes, after it when a past stem follows.
  // Returns true when it changed something.
  bool SplitFuture(std::string_view w, const uint32_t* kept_index, size_t ncps, uint8_t* drop,
                   const char** insert_before) {
    static constexpr std::string_view kAux[] = {"خواهیم", "خواهید", "خواهند", "خواهم", "خواهی", "خواهد"};
    for (std::string_view aux : kAux) {
      size_t at = w.find(aux);
      if (at == std::string_view::npos) continue;
      size_t start = at;
      if (start >= 2 && w.substr(start - 2, 2) == "ن") start -= 2;  // نخواهد
      std::string_view before = w.substr(0, start);
      std::string_view after = w.substr(at + aux.size());
      bool zwnj_before = EndsWith(before, kZwnj);
      if (zwnj_before) before.remove_suffix(3);
      bool zwnj_after = StartsWith(after, kZwnj);
      if (zwnj_after) after.remove_prefix(3);
      bool preverb = !before.empty() && IsPreverb(before);
      bool stem = !after.empty() && rules_.IsPastStem(after);
      if (!(before.empty() || preverb) || !(after.empty() || stem) || (before.empty() && after.empty())) continue;
      if (preverb) {
        if (zwnj_before) drop[kept_index[before.size()]] = true;
        insert_before[kept_index[start]] = " ";
      }
      if (stem) {
        size_t stem_at = at + aux.size() + (zwnj_after ? 3 : 0);
        if (zwnj_after) drop[kept_index[at + aux.size()]] = true;
        if (stem_at <= w.size() && kept_index[stem_at] < ncps) insert_before[kept_index[stem_at]] = " ";
      }
      return preverb || stem;
    }
    return false;
  }

  void EmitCps(const Cp* cps, size_t nc, const uint8_t* drop, const char* const* insert_before, const Item& it,
               size_t replace_index, std::string_view replacement) {
    size_t run = it.begin;
    for (size_t i = 0; i < nc; ++i) {
      if (insert_before[i] != nullptr) {
        Copy(run, cps[i].b);
        Replace(cps[i].b, cps[i].b, insert_before[i]);
        run = cps[i].b;
      }
      if (i == replace_index) {
        Copy(run, cps[i].b);
        Replace(cps[i].b, cps[i].e, replacement);
        run = cps[i].e;
      } else if (drop[i]) {
        Copy(run, cps[i].b);
        Replace(cps[i].b, cps[i].e, "");
        run = cps[i].e;
      }
    }
    Copy(run, it.end);
  }

  std::string_view in_;
  const bool persian_;
  const NormalizerOptions& o_;
  const PersianWordRules& rules_;
  std::string* out_;
  OffsetMapBuilder* map_;
  const bool block_lexing_;
  std::vector<Item>& items_ = ItemBuffer();
  size_t no_protected_until_ = 0;  // a digit run known not to be protected
  size_t block_ = ~size_t{0} >> 1;  // where the block of masks_ starts
  ArabicMasks (*const arabic_block_)(const unsigned char*) = Kernels().arabic_block;
  ArabicMasks masks_;
  const uint8_t* const small_class_ = SmallClassTable();
  // EmitWord's scratch: the word's code points, which to drop, what to
  // insert before each (kZwnj or a space), the kept bytes and their index.
  std::vector<Cp> cps_;
  std::vector<uint8_t> drop_;
  std::vector<const char*> insert_before_;
  std::string kept_;
  std::vector<uint32_t> kept_index_;
  size_t skip_until_ = 0;
  size_t pending_begin_ = 0, pending_end_ = 0;

  // Reused across calls on a thread: a large text would otherwise fault in
  // fresh pages for its item list every time.
  static std::vector<Item>& ItemBuffer() {
    thread_local std::vector<Item> buffer;
    buffer.clear();
    return buffer;
  }
};

}  // namespace

namespace {

// English (and other non-Persian) text: only whitespace is tidied — runs of
// spaces become one, newline runs one or two newlines, the ends trimmed —
// and digits are restyled when asked.
void LatinSpacing(std::string_view in, const NormalizerOptions& o, std::string* out, OffsetMapBuilder* map) {
  const size_t n = in.size();
  size_t run = 0, i = 0;
  auto flush = [&](size_t end) {
    if (end > run) {
      out->append(in.data() + run, end - run);
      map->Copy(static_cast<uint32_t>(run), static_cast<uint32_t>(end - run));
    }
  };
  const bool digits = o.latin_digits != NormalizerOptions::DigitStyle::kKeep &&
                      o.latin_digits != NormalizerOptions::DigitStyle::kAscii;
  while (i < n) {
    if (!digits && i > 0) i = SkipAscii(in.data(), i, n, Spaces::kBeforePrintable, 0);
    if (i >= n) break;
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b > ' ' && b < 0x80 && !(digits && b >= '0' && b <= '9')) {
      ++i;
      continue;
    }
    // A single space between two printable ASCII characters stays.
    if (b == ' ' && i > 0 && i + 1 < n && static_cast<unsigned char>(in[i + 1]) > ' ' &&
        static_cast<unsigned char>(in[i + 1]) < 0x80) {
      ++i;
      continue;
    }
    size_t j = i;
    char32_t c = DecodeUtf8(in, &j);
    if (digits && c >= '0' && c <= '9') {
      flush(i);
      std::string d;
      AppendUtf8((o.latin_digits == NormalizerOptions::DigitStyle::kPersian ? 0x06F0 : 0x0660) + (c - '0'), &d);
      out->append(d);
      map->Replace(static_cast<uint32_t>(i), 1, static_cast<uint32_t>(d.size()));
      i = run = j;
      continue;
    }
    if (!IsSpaceCp(c) || !o.spacing) {
      i = j;
      continue;
    }
    size_t end = j;
    int newlines = c == '\n';
    while (end < n) {
      size_t m = end;
      char32_t d = DecodeUtf8(in, &m);
      if (!IsSpaceCp(d)) break;
      newlines += d == '\n';
      end = m;
    }
    const char* want = i == 0 || end == n ? "" : newlines >= 2 ? "\n\n" : newlines == 1 ? "\n" : " ";
    if (in.substr(i, end - i) != want) {
      flush(i);
      out->append(want);
      map->Replace(static_cast<uint32_t>(i), static_cast<uint32_t>(end - i),
                   static_cast<uint32_t>(std::string_view(want).size()));
      run = end;
    }
    i = end;
  }
  flush(n);
}

}  // namespace

void SpacingPass(std::string_view in, Language language, const NormalizerOptions& options,
                 const PersianWordRules& rules, std::string* out, OffsetMapBuilder* map, bool block_lexing) {
  out->reserve(out->size() + in.size() + in.size() / 16);
  if (language != Language::kPersian) {
    LatinSpacing(in, options, out, map);
    return;
  }
  SpacingRun(in, language, options, rules, out, map, block_lexing).Run();
}

}  // namespace quotematch::internal
