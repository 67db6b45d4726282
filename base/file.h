// File: base/file.h
//
// Whole-file reading for programs and tests.
//
//   std::string text;
//   if (!ReadFileToString("examples/a.txt", &text)) { /* missing or unreadable */ }
#pragma once

#include <string>

namespace quotematch {

// Reads the whole file at `path` (bytes, unchanged) into `*out`. Returns
// false, leaving `*out` empty, when the file cannot be opened or read.
bool ReadFileToString(const std::string& path, std::string* out);

}  // namespace quotematch
