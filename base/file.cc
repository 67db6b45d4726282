#include "base/file.h"

#include <fstream>
#include <iterator>

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

}  // namespace quotematch
