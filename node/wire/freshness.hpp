// Freshness without stored state: a packet is accepted only if it was made for this very run of
// the receiver, and at most once.
//
// Every run of a node picks an epoch at start-up (its wall-clock start in ns: larger than any
// earlier run's unless the clock was stepped back). A sender puts its own epoch and the
// receiver's (as it last learned it) in every packet, under the MAC:
//  - receiver epoch != mine: the packet was made before I started (or by a peer that does not
//    know me yet): stale, never delivered. I answer it with a hello that echoes the sender's
//    epoch, so the sender learns mine (it accepts the hello only if the echo is its own current
//    epoch, so a recorded packet replayed at me gets a hello the real peer ignores);
//  - sender epoch below the one I have seen from that peer in this run: an older run's packet;
//    a higher one: the peer restarted, its window starts afresh;
//  - within one (sender epoch, receiver) pair a counter from 1 goes through a 64-wide sliding
//    window (RFC 4303 §3.4.3).
// This is the receiver-nonce idea of NTS (RFC 8915 §5.7: the client's unique identifier echoed
// by the server) applied to both directions, with WireGuard's rule that a peer's start-up stamp
// may only grow. Nothing needs to be stored across restarts: a restarted receiver has a new
// epoch, so everything recorded before is stale for it.
#pragma once

#include <cstdint>
#include <map>

#include "algorithms/core/ids.hpp"
#include "node/clock/host_time.hpp"
#include "node/wire/codec.hpp"
#include "node/wire/replay_window.hpp"

namespace clocksim::node::wire {

class Freshness {
 public:
  // `epoch` != 0; `hello_interval_ns`: at most one hello answer per peer per interval, so a
  // flood of recorded packets cannot make this node flood its peers.
  Freshness(std::uint64_t epoch, std::int64_t hello_interval_ns);

  std::uint64_t epoch() const { return epoch_; }

  // Fills sender/receiver epochs and the counter of a packet to `peer`.
  void stamp(Envelope& env, NodeId peer);
  // A hello to `peer` echoing `their_epoch` (the sender epoch of the packet it answers).
  void stamp_hello(Envelope& env, NodeId peer, std::uint64_t their_epoch);

  enum class Verdict { kFresh, kStale, kReplay };
  struct Check {
    Verdict verdict = Verdict::kStale;
    bool answer_with_hello = false;  // stale and not itself a hello, and not rate-limited
  };
  // For an authenticated packet from a configured peer.
  Check check(const Envelope& env, MonoTime now);

  // The peer's epoch as learned from its last fresh packet (0: not yet).
  std::uint64_t known_epoch(NodeId peer) const;
  // Takes `epoch` as the peer's, as a fresh hello carrying it would (a lower one than known is
  // ignored: an epoch only grows). For a host that knows every start-up epoch beforehand.
  void learn_epoch(NodeId peer, std::uint64_t epoch);

 private:
  struct Inbound {
    std::uint64_t epoch = 0;
    ReplayWindow window;
    MonoTime last_hello;
    bool hello_sent = false;
  };
  std::uint64_t epoch_;
  std::int64_t hello_interval_ns_;
  std::map<NodeId, Inbound> in_;
  std::map<NodeId, std::uint64_t> out_counter_;
};

}  // namespace clocksim::node::wire
