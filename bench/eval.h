// File: bench/eval.h
//
// Subcommands of quotematch-eval, each a function over its arguments that
// prints figures and returns the exit code (0 ok, 2 usage or input error).
#pragma once

#include <string>
#include <vector>

namespace quotematch::eval {

// Prints `error` and the usage text to stderr; returns 2.
int Usage(const std::string& error);

int RunNormalizeEval(const std::vector<std::string>& args);
int RunRetrievalEval(const std::vector<std::string>& args);
int RunDocAlignEval(const std::vector<std::string>& args);
int RunExtractEval(const std::vector<std::string>& args);

}  // namespace quotematch::eval
