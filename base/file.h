// File: base/file.h
//
// Whole-file reading for programs and tests.
//
//   std::string text;
//   if (!ReadFileToString("examples/a.txt", &text)) { /* missing or unreadable */ }
#pragma once

#include <string>
#include <vector>

namespace quotematch {

// Reads the whole file at `path` (bytes, unchanged) into `*out`. Returns
// false, leaving `*out` empty, when the file cannot be opened or read.
bool ReadFileToString(const std::string& path, std::string* out);

// Reads a text file as lines (trailing whitespace and a final empty line
// dropped; empty lines inside kept, so that line i pairs with line i).
bool ReadLines(const std::string& path, std::vector<std::string>* lines);

}  // namespace quotematch
