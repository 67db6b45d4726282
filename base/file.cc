#include "base/file.h"

#include <fstream>
#include <iterator>

#include "base/strings.h"

namespace quotematch {

bool ReadFileToString(const std::string& path, std::string* out) {
  out->clear();
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    out->clear();
    return false;
  }
  return true;
}

bool ReadLines(const std::string& path, std::vector<std::string>* lines) {
  std::string text;
  if (!ReadFileToString(path, &text)) return false;
  for (std::string_view line : Split(text, '\n')) lines->emplace_back(StripTrailing(line));
  if (!lines->empty() && lines->back().empty()) lines->pop_back();
  return true;
}

}  // namespace quotematch
