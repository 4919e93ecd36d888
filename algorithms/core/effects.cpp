#include "algorithms/core/effects.hpp"

namespace clocksim {

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kNone: return "none";
    case Role::kSlave: return "slave";
    case Role::kMaster: return "master";
    case Role::kCandidate: return "candidate";
    case Role::kClient: return "client";
    case Role::kServer: return "server";
  }
  return "?";
}

}  // namespace clocksim
