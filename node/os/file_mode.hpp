// A file's permission bits as people and chmod write them ("0640"), for the messages that refuse
// a key file, a key folder or a state file others could change.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>

namespace clocksim::node {

inline std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace clocksim::node
