// The three standard descriptors, for clocksim, clocksyncd and clocksyncctl.
//
// Started with one of them closed (`clocksim run ... >&-`, a careless service manager), a program
// would hand that number to the next file or socket it opens, and then text meant for standard
// output or the log would land in an output file, a state file or a socket. And a report printed
// to a full disk or a broken pipe is lost without a word unless the program looks: scripts that
// keep `clocksim schema > schema.json` must see it fail.
#pragma once

#include <string_view>

namespace clocksim::config {

// Opens /dev/null on each of descriptors 0, 1 and 2 that is not open, so that no file the
// program opens later takes their place. Call first thing in main. False if /dev/null cannot be
// opened (then nothing the program opens is safe from it; the caller stops).
bool keep_standard_descriptors_open();

// Flushes standard output (C stdio and std::cout) and says whether everything written to it got
// there. When it did not, writes "PROGRAM: cannot write to standard output: REASON" to standard
// error and returns 2; otherwise returns `exit_code`. Call at the end of main with its exit code.
int finish_standard_output(std::string_view program, int exit_code);

}  // namespace clocksim::config
