// Reliable sends for election protocols: timed's `acksend` (docs/berkeley-and-tsp.md §1).
//
// A message is sent (optionally after an answer delay), then re-sent while no reply of the
// expected type with the same seq arrives: the wait starts at `first_wait` and doubles after each
// send, up to `max_sends` sends (timed: 200, 400, 800, 1600, 3200 ms, 5 sends, ~6.2 s). Each
// outstanding message owns one timer in the election's TimerSpace part, derived from its seq, so
// any number can be in flight at once. The owner decides what a reply or an exhaustion means.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim::election {

class AckSender {
 public:
  struct Outgoing {
    NodeId to = kNoNode;                 // kBroadcast allowed
    Message msg;                         // msg.seq names it
    MsgType expect = MsgType::kNone;     // kNone: a plain (possibly delayed) send, no retries
    int max_sends = 1;
    int sends_done = 0;
    bool answered = false;               // keep_collecting: a reply arrived in this wait
    bool keep_collecting = false;        // a broadcast that gathers every reply of this wait
  };
  enum class Outcome : std::uint8_t { kNothing, kExhausted, kCollected };
  struct TimerResult {
    Outcome outcome = Outcome::kNothing;
    Outgoing item;
  };

  // Ack timers use local ids [timer_base, timer_base + 2^16) of TimerSpace part `part`.
  AckSender(std::uint32_t part, std::uint32_t timer_base, Duration first_wait)
      : part_(part), timer_base_(timer_base), first_wait_(first_wait) {}

  // Sends `item` after `delay` (zero: at once) and keeps re-sending as described above.
  void start(Outgoing item, Duration delay, Effects& out);

  bool owns(TimerId id) const;
  // A timer of ours fired: re-send, or report that the item ran out of sends (kExhausted) or, for
  // a collecting broadcast, that the wait in which replies arrived is over (kCollected).
  TimerResult on_timer(TimerId id, Effects& out);

  // A reply `type` with `seq` arrived. For an ordinary item the item is finished and returned;
  // a collecting item is only marked answered (it stays pending until its wait ends).
  std::optional<Outgoing> on_reply(MsgType type, std::uint32_t seq, Effects& out);

  const Outgoing* find(std::uint32_t seq) const;
  void cancel(std::uint32_t seq, Effects& out);
  void cancel_all(Effects& out);
  bool empty() const { return pending_.empty(); }

 private:
  TimerId timer_of(std::uint32_t seq) const;
  void send_now(Outgoing& item, Effects& out);

  std::uint32_t part_;
  std::uint32_t timer_base_;
  Duration first_wait_;
  std::map<std::uint32_t, Outgoing> pending_;  // by seq; ordered, so iteration is deterministic
};

}  // namespace clocksim::election
