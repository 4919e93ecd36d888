// One clock reading between two nodes, as Welch-Lynch and the neighbour average take it (after
// Cristian, "Probabilistic clock synchronization", Distributed Computing 3, 1989): the reader sends
// kTimeRequest with its send time t1 and the round in `term`; the peer answers kTimeReply echoing
// both, with its reading t2 = t3; the reader receives at t4 and estimates the peer's offset as
// t3 - (t1 + (t4 - t1)/2), whose error is (d_fwd - d_back)/2.
#pragma once

#include <cstdint>
#include <optional>

#include "algorithms/core/message.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim::ftavg {

// The request of round `round`, sent at `now` of the reader's clock.
Message clock_reading_request(std::uint32_t round, LocalTime now);

// The answer to `request`, read at `now` of the answering node's clock.
Message clock_reading_reply(const Message& request, LocalTime now);

// A peer's offset against the reader from one exchange: t1/t4 the reader's send/receive times,
// t3 the peer's reading when it answered. nullopt when a hostile t3 makes it overflow.
std::optional<std::int64_t> peer_offset_estimate_ns(std::int64_t t1, std::int64_t t3, std::int64_t t4);

}  // namespace clocksim::ftavg
