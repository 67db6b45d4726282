// The key pass: display → match key. Every code point goes through the key
// column of the character rules (or case folding); whitespace runs become
// one space; English contractions are expanded and possessive 's dropped.
#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/internal/kernels/kernels.h"
#include "normalize/internal/passes.h"
#include "normalize/unicode.h"

namespace quotematch::internal {

void KeyPass(std::string_view display, const CharTable& key_table, std::string* out, OffsetMapBuilder* map) {
  Kernels().key_pass(display, key_table, out, map);
}

}  // namespace quotematch::internal
