#include "base/utf8.h"
#include "normalize/internal/kernels/kernels.h"
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
        /*space_decided_by_next=*/true);
  } else {
    scanner_ = std::make_unique<PlainScanner>([&](char32_t c) { return Plain(c); }, /*space_decided_by_next=*/false);
    zwnj_plain_ = actions_[0x200C] == 0 && (!options.nfkc || ((flags[0x200C] & unicode::kNfkcIdentity) &&
                                                               (flags[0x200C] & unicode::kNfkcBoundaryBefore)));
  }
}

bool CharPass(std::string_view in, const CharTable& table, bool nfkc, std::string* out,
              OffsetMapBuilder* map, size_t* invalid_at) {
  return Kernels().char_pass(in, table, nfkc, out, map, invalid_at);
}

}  // namespace quotematch::internal
