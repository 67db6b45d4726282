// quotematch-eval: evaluation tools that print figures.
//
//   quotematch-eval normalize --cases FILE.tsv [--verbose]
//       agreement with other normalizers' test cases (bench/eval_normalize.cc)
#include <cstdio>
#include <string>
#include <vector>

#include "bench/eval.h"

namespace quotematch::eval {

constexpr char kUsage[] = R"usage(usage: quotematch-eval COMMAND [ARGS]

Commands:
  normalize --cases FILE.tsv [--verbose]
      run our normalizer on peer normalizers' test cases; prints agreement per
      peer and per feature tag, conventions and unsupported functions, and a
      last line "agreement: 0.xxxx (n=N)"

Exit codes: 0 success, 2 usage or input error.
)usage";

int Usage(const std::string& error) {
  std::fprintf(stderr, "quotematch-eval: %s\n\n%s", error.c_str(), kUsage);
  return 2;
}

}  // namespace quotematch::eval

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return quotematch::eval::Usage("missing COMMAND");
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "-h" || command == "--help") {
    std::fputs(quotematch::eval::kUsage, stdout);
    return 0;
  }
  if (command == "normalize") return quotematch::eval::RunNormalizeEval(args);
  return quotematch::eval::Usage("unknown command '" + command + "'");
}
