// A reading of a node's reference clock (a GPS receiver, a radio clock, an atomic standard): the
// typed input through which a stratum-1 server learns the reference time. The host takes it; the
// algorithm never sees the host's own notion of true time, only this number.
#pragma once

#include <cstdint>

#include "algorithms/core/time.hpp"

namespace clocksim {

struct ReferenceReading {
  // The reference's time at the reading, in ns on the time scale the node serves: the simulator
  // gives true time plus the scenario's reference error; the daemon gives its host's clock.
  std::int64_t reference_ns = 0;
  LocalTime local;  // this node's own clock at the same instant
  // The reference's own error bound (its dispersion), as its driver states it; 0 if unknown.
  std::int64_t dispersion_ns = 0;
};

}  // namespace clocksim
