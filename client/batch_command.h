// File: client/batch_command.h
//
// `quotematch batch`: the command over RunBatch (batch/batch.h), with its
// flags, progress display, signals and exit codes.
#pragma once

namespace quotematch {

// argv[0] is "batch". Returns the process's exit code.
int RunBatchCommand(int argc, char** argv);

}  // namespace quotematch
