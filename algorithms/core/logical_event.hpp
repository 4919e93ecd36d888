// One application event stamped by a logical clock (algorithms/logical): what the simulator's
// causality check and logical.csv read back after each dispatch. Algorithms without logical
// clocks never produce one.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/core/ids.hpp"

namespace clocksim {

struct LogicalEvent {
  enum class Kind : std::uint8_t { kLocal, kSend, kReceive };
  Kind kind = Kind::kLocal;
  NodeId peer = kNoNode;           // send: destination; receive: sender
  std::uint32_t message_id = 0;    // send/receive: the application message (seq on the wire)
  std::uint64_t lamport = 0;
  std::vector<std::uint64_t> vector;  // empty when the node keeps a Lamport clock only
};

}  // namespace clocksim
