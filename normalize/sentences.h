// File: normalize/sentences.h
//
// Sentence splitting with ICU's sentence break rules.
//
//   std::vector<Span> s = SplitSentences(display, Language::kEnglish);
//
// Spans are byte ranges of the given text; together they cover it. Paragraph
// breaks (a newline) always end a sentence.
#pragma once

#include <string_view>
#include <vector>

#include "normalize/types.h"

namespace quotematch {

std::vector<Span> SplitSentences(std::string_view text, Language language);

}  // namespace quotematch
