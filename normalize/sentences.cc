#include "normalize/sentences.h"

#include "normalize/unicode.h"

namespace quotematch {

std::vector<Span> SplitSentences(std::string_view text, Language language) {
  std::vector<Span> out;
  uint32_t begin = 0;
  for (uint32_t end : unicode::SentenceEnds(text, language)) {
    // ICU already breaks after a newline (rule SB4); keep empty spans out.
    if (end > begin) out.push_back(Span{begin, end});
    begin = end;
  }
  return out;
}

}  // namespace quotematch
