// The one message type every algorithm speaks: a flat, fixed-size, plain struct.
//
// Like timed's `struct tsp`, one layout serves every protocol; the type says what the fields
// mean. Being trivially copyable and free of pointers, it costs nothing to queue in the simulator
// and maps one-to-one onto the daemon's versioned wire format (node/wire), which is why every
// field has an explicit width.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "algorithms/core/ids.hpp"

namespace clocksim {

// Wire registry: values are stable (they go on the wire); add new ones at the end of a group.
enum class MsgType : std::uint8_t {
  kNone = 0,
  // Clock reading (Berkeley measurement, Cristian, NTP-style). t1 = requester send time; the
  // reply echoes t1 and adds t2 = responder receive time, t3 = responder send time.
  kTimeRequest = 1,
  kTimeReply = 2,
  // Berkeley corrections: value_ns = relative adjustment, rate_ppb = frequency correction.
  kAdjust = 3,
  kSetTime = 4,   // value_ns = absolute local time to set (plus transit handled by receiver)
  kAck = 5,       // echoes seq
  // TSP election and mastership (Gusella-Zatti, timed).
  kMasterReq = 10,
  kMasterAck = 11,
  kMasterUp = 12,
  kSlaveUp = 13,
  kElection = 14,
  kAccept = 15,
  kRefuse = 16,
  kConflict = 17,
  kResolve = 18,
  kQuit = 19,
  kLoop = 20,
  kElectionAck = 21,  // TSP acknowledgement of ACCEPT/REFUSE/QUIT/CONFLICT (echoes seq)
  // Bully (Garcia-Molina).
  kBullyElection = 30,
  kBullyOk = 31,
  kBullyCoordinator = 32,
  // Ring (Chang-Roberts). subject = best candidate so far.
  kRingElection = 40,
  kRingElected = 41,
  // Liveness of a master (standby, Bully, Ring); subject = sender's believed master.
  kHeartbeat = 50,
  kLeave = 51,    // graceful shutdown: "I am going away" (daemon SIGTERM)
  // Logical clocks and workloads.
  kLamport = 60,       // an application message with its Lamport time (and vector head)
  kVectorStamp = 61,   // more entries of a vector timestamp (algorithms/logical/stamp_codec)
  kPhold = 70,    // PHOLD benchmark workload
  // NTP (RFC 5905), mapped onto this struct by algorithms/ntp/ntp_message.hpp: mode 3 and mode 4.
  kNtpRequest = 80,
  kNtpReply = 81,
};
inline constexpr std::uint8_t kMsgTypeMax = 81;

// Message::flags of kQuit: sent by a node that refuses the receiver's corrections because it
// does not trust it as a master (timed's suppress()), not by a rival master.
inline constexpr std::uint16_t kQuitUntrusted = 1;
// Message::flags of kLeave: value_ns names the successor the leaving master hands over to (a
// LEAVE without it, as older senders send, names none).
inline constexpr std::uint16_t kLeaveNamesSuccessor = 1;
// Message::flags of kMasterReq, kAccept and kSlaveUp: the sender may not become master (timed's
// -M off). Slaves do not hold back their election for its MASTERREQ, and a leaving master does
// not name it as successor. Older senders, without the flag, count as nodes that may lead.
inline constexpr std::uint16_t kSenderMayNotLead = 1;
// Message::flags of kTimeReply: the replier serves time as the master (Cristian's server), not
// merely answers as any node does. Only such a reply tells an election that the master lives.
inline constexpr std::uint16_t kReplyFromServer = 1;

bool is_known_msg_type(std::uint8_t raw);
std::string_view msg_type_name(MsgType t);

struct Message {
  MsgType type = MsgType::kNone;
  std::uint8_t hops = 0;      // LOOP hop count, ring hop count
  std::uint16_t flags = 0;    // per-type bits
  std::uint32_t seq = 0;      // request/round sequence number; replies echo it
  NodeId subject = kNoNode;   // the node the message is about (candidate, master, winner)
  std::uint32_t term = 0;     // election term / round number
  std::int64_t t1_ns = 0;     // timestamps: local clock readings in ns
  std::int64_t t2_ns = 0;
  std::int64_t t3_ns = 0;
  std::int64_t value_ns = 0;  // an adjustment or an absolute time, by type
  std::int64_t rate_ppb = 0;  // frequency correction, parts per billion
};
static_assert(std::is_trivially_copyable_v<Message>);

inline Message make_message(MsgType type, std::uint32_t seq = 0) {
  Message m;
  m.type = type;
  m.seq = seq;
  return m;
}

}  // namespace clocksim
