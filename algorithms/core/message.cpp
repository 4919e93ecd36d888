#include "algorithms/core/message.hpp"

namespace clocksim {

std::string_view msg_type_name(MsgType t) {
  switch (t) {
    case MsgType::kNone: return "NONE";
    case MsgType::kTimeRequest: return "TIME_REQUEST";
    case MsgType::kTimeReply: return "TIME_REPLY";
    case MsgType::kAdjust: return "ADJTIME";
    case MsgType::kSetTime: return "SETTIME";
    case MsgType::kAck: return "ACK";
    case MsgType::kMasterReq: return "MASTERREQ";
    case MsgType::kMasterAck: return "MASTERACK";
    case MsgType::kMasterUp: return "MASTERUP";
    case MsgType::kSlaveUp: return "SLAVEUP";
    case MsgType::kElection: return "ELECTION";
    case MsgType::kAccept: return "ACCEPT";
    case MsgType::kRefuse: return "REFUSE";
    case MsgType::kConflict: return "CONFLICT";
    case MsgType::kResolve: return "RESOLVE";
    case MsgType::kQuit: return "QUIT";
    case MsgType::kLoop: return "LOOP";
    case MsgType::kElectionAck: return "ELECTION_ACK";
    case MsgType::kBullyElection: return "BULLY_ELECTION";
    case MsgType::kBullyOk: return "BULLY_OK";
    case MsgType::kBullyCoordinator: return "BULLY_COORDINATOR";
    case MsgType::kRingElection: return "RING_ELECTION";
    case MsgType::kRingElected: return "RING_ELECTED";
    case MsgType::kHeartbeat: return "HEARTBEAT";
    case MsgType::kLeave: return "LEAVE";
    case MsgType::kLamport: return "LAMPORT";
    case MsgType::kVectorStamp: return "VECTOR_STAMP";
    case MsgType::kPhold: return "PHOLD";
    case MsgType::kNtpRequest: return "NTP_REQUEST";
    case MsgType::kNtpReply: return "NTP_REPLY";
  }
  return "UNKNOWN";
}

bool is_known_msg_type(std::uint8_t raw) {
  return raw != 0 && msg_type_name(static_cast<MsgType>(raw)) != "UNKNOWN";
}

}  // namespace clocksim
