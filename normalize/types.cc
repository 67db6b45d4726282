#include "normalize/span.h"

namespace quotematch {

std::string_view LanguageCode(Language language) {
  switch (language) {
    case Language::kEnglish: return "en";
    case Language::kPersian: return "fa";
    default: return "unspecified";
  }
}

}  // namespace quotematch
