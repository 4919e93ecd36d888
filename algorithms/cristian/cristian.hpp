// Cristian's algorithm (F. Cristian, "Probabilistic clock synchronization", Distributed
// Computing 3(3), 1989): a client asks a time server, sets its clock to the server's reading
// plus half the round trip, and knows its error is at most rtt/2 − min_delay.
//
// Every `period` the client sends up to `probes` requests one after another (the next when the
// previous is answered or timed out), keeps the exchange with the smallest round trip (the
// smallest error bound) and applies server_time + rtt/2 − own_time as a relative correction:
// slewed below `step_threshold`, stepped above. Any node answers kTimeRequest with kTimeReply, so
// the server needs no state. As a SyncLayer, lead() makes a node the server and follow(s) a
// client of s; with no election named, the static election names the server.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/params.hpp"

namespace clocksim::cristian {

struct CristianConfig {
  Duration period = Duration::from_ns(60'000'000'000);
  std::int64_t probes = 4;
  Duration probe_timeout = Duration::from_ns(1'000'000'000);
  Duration step_threshold = Duration::from_ns(20'000'000'000);
  Duration min_delay = Duration::zero();  // known minimum one-way delay, for the error bound
};

std::vector<ParamSpec> cristian_params();
CristianConfig cristian_config(const ParamSet& params);

inline constexpr TimerId kCristianRoundTimer = TimerSpace::make(kSyncTimerPart, 1);
inline constexpr TimerId kCristianProbeTimer = TimerSpace::make(kSyncTimerPart, 2);

// The best exchange of a series: the one with the smallest round trip.
struct CristianSample {
  std::int64_t rtt_ns = 0;         // (t4 − t1) − (t3 − t2): the server's turnaround excluded
  std::int64_t correction_ns = 0;  // server_time + rtt/2 − own time at reception
  std::int64_t error_bound_ns = 0; // rtt/2 − min_delay (Cristian 1989), never negative
};
CristianSample cristian_sample(std::int64_t t1, std::int64_t t2, std::int64_t t3, std::int64_t t4,
                               std::int64_t min_delay_ns);

class Cristian final : public SyncLayer {
 public:
  Cristian(Membership membership, CristianConfig config, std::uint64_t seed);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void lead(LocalTime now, Effects& out) override;
  void follow(NodeId master, LocalTime now, Effects& out) override;
  // Every node answers a time request, so a reply shows the master alive only when its sender
  // still serves as one (kReplyFromServer): a client of a master since deposed must not keep its
  // election timer running on that node's answers.
  bool is_master_activity(NodeId from, const Message& msg) const override {
    return from == server_ && msg.type == MsgType::kTimeReply && (msg.flags & kReplyFromServer) != 0;
  }
  Role role() const override { return role_; }
  NodeId believed_master() const override { return server_; }

  // The last applied sample (tests, traces).
  const std::optional<CristianSample>& last_sample() const { return last_; }

 private:
  void start_series(LocalTime now, Effects& out);
  void send_probe(LocalTime now, Effects& out);
  void finish_series(Effects& out);

  Membership membership_;
  CristianConfig config_;
  Role role_ = Role::kNone;
  NodeId server_ = kNoNode;
  std::uint32_t seq_;
  bool in_series_ = false;
  std::int64_t sent_ = 0;
  std::uint32_t outstanding_seq_ = 0;
  bool awaiting_ = false;
  std::int64_t outstanding_t1_ = 0;
  std::optional<CristianSample> best_;
  std::optional<CristianSample> last_;
};

}  // namespace clocksim::cristian
