// Parameters that several elections share, declared once: the same name, default, range and
// meaning wherever they appear.
#pragma once

#include <string>

#include "algorithms/core/params.hpp"

namespace clocksim::election {

// "heartbeat_period": how often a leader broadcasts kHeartbeat (default 1 s).
ParamSpec heartbeat_period_spec();
// The wait after which a silent leader counts as failed, named `name`; `what` says what happens
// then. Default 4.5 s: four lost heartbeats plus a latency margin.
ParamSpec failure_timeout_spec(std::string name, std::string what);
// Bully's and Ring's failure_timeout (H).
ParamSpec election_failure_timeout_spec();

}  // namespace clocksim::election
