// One application event stamped by a logical clock (algorithms/logical): what the simulator's
// causality check and logical.csv read back after each dispatch. Algorithms without logical
// clocks never produce one.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/core/ids.hpp"

namespace clocksim {

// What a node's logical clocks keep on stable storage across a restart. A process that came back
// with its clocks at 0 would break a -> b => L(a) < L(b) along its own history, and one that
// numbered its messages from 0 again would have them taken for duplicates of its old ones. Both
// hosts carry it from each event a node reports (algorithms/core/stable_state.hpp): the simulator
// in memory, clocksyncd in its state file.
struct LogicalState {
  std::uint64_t lamport = 0;
  std::vector<std::uint64_t> vector;  // empty: from zero
  std::uint32_t next_message_id = 0;
  friend bool operator==(const LogicalState&, const LogicalState&) = default;
};

struct LogicalEvent {
  enum class Kind : std::uint8_t { kLocal, kSend, kReceive };
  Kind kind = Kind::kLocal;
  NodeId peer = kNoNode;           // send: destination; receive: sender
  std::uint32_t message_id = 0;    // send/receive: the application message (seq on the wire)
  std::uint64_t lamport = 0;
  std::vector<std::uint64_t> vector;  // empty when the node keeps a Lamport clock only
};

}  // namespace clocksim
