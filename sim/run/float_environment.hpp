// The floating-point environment every computation of a run assumes: round to nearest, no
// flush-to-zero or denormals-are-zero, exceptions masked. A process normally starts in it, but a
// program that embeds clocksim may not be: a library built with -ffast-math sets flush-to-zero
// for the whole process when it is loaded, and a host may change the rounding mode (fesetround).
// Then draws, bounds and the exact checker's rounding margins would differ from the command
// line's, and the same scenario and seed would give other bytes. The engine's entry points
// (loading, running, sweeping) hold this for their duration: the thread's environment is set to
// the default and given back as it was afterwards. Threads a sweep starts inherit it.
#pragma once

#include <cfenv>

namespace clocksim::sim {

class DefaultFloatEnvironment {
 public:
  DefaultFloatEnvironment() {
    std::fegetenv(&saved_);
    // FE_DFL_ENV also clears x86's MXCSR flush-to-zero and denormals-are-zero bits (and the
    // other architectures' equivalents), which fesetround alone would leave.
    std::fesetenv(FE_DFL_ENV);
  }
  ~DefaultFloatEnvironment() { std::fesetenv(&saved_); }
  DefaultFloatEnvironment(const DefaultFloatEnvironment&) = delete;
  DefaultFloatEnvironment& operator=(const DefaultFloatEnvironment&) = delete;

 private:
  std::fenv_t saved_;
};

}  // namespace clocksim::sim
