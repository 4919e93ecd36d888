// A string stream that writes numbers as the "C" locale does ("1.5", "1234567"), whatever the
// process's global C++ locale: a stream takes the global locale when it is made, and a program
// embedding clocksim may have set one that writes "1,5" and "1.234.567" (std::locale::global).
// Text that goes into a run's files or a user's message is made with this, never a plain
// std::ostringstream.
#pragma once

#include <locale>
#include <sstream>

namespace clocksim {

class CLocaleStream : public std::ostringstream {
 public:
  CLocaleStream() { imbue(std::locale::classic()); }
};

}  // namespace clocksim
