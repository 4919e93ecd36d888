// What a node loop is given by its host, so that the same loop runs over UDP sockets and the
// host's clocks (daemon/) and over the simulator's links and simulated clocks (sim/):
//   - a TimeSource (node/clock/clock.hpp): monotonic ns for timer deadlines and uptime;
//   - a Clock (node/clock/clock.hpp): the clock the algorithm reads and adjusts;
//   - a DatagramTransport: sends bytes to a member; inbound bytes are pushed into the loop;
//   - a TimerService: keeps the deadlines; the host calls NodeLoop::on_timer when one is due.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "algorithms/core/clock_guard.hpp"
#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/reference.hpp"
#include "algorithms/core/stable_state.hpp"
#include "node/clock/host_time.hpp"
#include "node/wire/format.hpp"

namespace clocksim::node {

class DatagramTransport {
 public:
  virtual ~DatagramTransport() = default;
  // Hands one datagram for member `to` to the network; false when the host's network refused it
  // (e.g. sendto failed). `carried` is the message the bytes encode: a real network ignores it, a
  // simulated one may model per-message-type delays with it and counts messages by type.
  virtual bool send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message& carried) = 0;
};

class TimerService {
 public:
  virtual ~TimerService() = default;
  // Timer `id` (not pending) falls due at `deadline` of the TimeSource's monotonic axis.
  virtual void arm(TimerId id, MonoTime deadline) = 0;
  // Forgets a pending timer `id`, if any.
  virtual void cancel(TimerId id) = 0;
};

// A protocol spoken beside the cluster format (NTPv4 on its own port: daemon/loop/ntp_service): its
// peers have ids outside the membership, and the algorithm's sends to them go here instead of
// being dropped as kNotMember.
class ForeignTransport {
 public:
  virtual ~ForeignTransport() = default;
  virtual bool owns(NodeId id) const = 0;
  virtual void send(NodeId to, const Message& msg) = 0;
};

// The host's reference clock, read when the algorithm asks (Effects::read_reference_clock).
class ReferenceSource {
 public:
  virtual ~ReferenceSource() = default;
  virtual ReferenceReading read(LocalTime local_now) = 0;
};

// Where a node keeps what must outlive its process (algorithms/core/stable_state.hpp): clocksyncd's
// state file. The loop saves after each dispatch that changed it, before that dispatch's messages
// leave, so a restarted node never reuses an election number, a Lamport time or a message id its
// peers have seen.
class StableStore {
 public:
  virtual ~StableStore() = default;
  // What the last run saved (all zero for a first run).
  virtual const StableState& saved() const = 0;
  // Saves `state` durably; false (and a reason in last_error) when it could not.
  virtual bool save(const StableState& state) = 0;
  virtual const std::string& last_error() const = 0;
};

// Typed events for a host that reports them (the simulator's observers); default: ignored.
class NodeLoopObserver {
 public:
  virtual ~NodeLoopObserver() = default;
  virtual void on_note(const Note& /*note*/) {}
  // A clock effect that passed the sanity limits (as they left it), just before the clock
  // carries it out: with the master and round that computed a correction.
  virtual void on_clock_effect(const ClockEffect& /*applied*/) {}
  // A clock effect the sanity limits refused or changed (`asked` as the algorithm asked it): what
  // the algorithm computed is not what the clock does.
  virtual void on_clock_guarded(const ClockEffect& /*asked*/, GuardOutcome /*outcome*/) {}
  virtual void on_drop(wire::DropReason /*reason*/) {}
};

}  // namespace clocksim::node
