// clocksyncd's NTP port: NTPv4 datagrams (node/wire/ntp_packet) in and out of the same
// algorithms/ntp object the simulator runs, as its kNtpRequest / kNtpReply messages
// (algorithms/ntp/ntp_message.hpp).
//
//  - A mode-3 request from anyone becomes a kNtpRequest from a client slot id (kNtpClientIdBase
//    + slot, a small table of recent client addresses); the algorithm's kNtpReply to that id
//    goes out as mode 4 with the request's transmit timestamp echoed bit for bit as origin.
//  - A configured server (id@host:port) is an association of the algorithm: its kNtpRequest
//    goes out as mode 3, and a mode-4 reply from that address comes back as a kNtpReply whose
//    origin is mapped back to the exact local time it was sent at (the 32.32 format cannot
//    carry every ns, so the raw value is remembered).
// Timestamps on the wire are the daemon's clock (ns since the Unix epoch) in NTP format.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/message.hpp"
#include "node/clock/clock.hpp"
#include "daemon/loop/endpoint.hpp"
#include "node/loop/interfaces.hpp"
#include "node/loop/log.hpp"
#include "node/wire/ntp_packet.hpp"

namespace clocksim::daemon {

inline constexpr NodeId kNtpClientIdBase = 0xF0000000U;
inline constexpr std::size_t kNtpClientSlots = 1024;

// Why `id` cannot name a member or an NTP server: ids from kNtpClientIdBase up are the NTP port's
// client slots, and a send is routed by its id alone (members first), so a member there would get
// a client's replies. Nullopt when it can.
std::optional<std::string> reserved_id_problem(NodeId id);

struct NtpServer {
  NodeId id = kNoNode;
  std::string address;  // host:port
};

// Where a node that polls NTP servers but serves no NTP clients (no ntp.listen) binds its NTP
// socket: an ephemeral port on the wildcard of the servers' IP version, [::] (dual stack) when
// any is IPv6, as chronyd and ntpd poll from a client port without serving.
std::string ntp_client_address(const std::vector<NtpServer>& servers);

struct NtpCounters {
  std::uint64_t packets_in = 0;
  std::uint64_t requests_served = 0;   // mode-3 requests the algorithm answered (a reply sent)
  std::uint64_t replies_delivered = 0; // mode-4 replies from configured servers, handed to the
                                       // algorithm (whose origin check may still reject them)
  std::uint64_t packets_out = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t unknown_server = 0;    // mode 4 from an address we never asked
  std::uint64_t requests_ignored = 0;  // mode 3 on a client-only port (no ntp.listen): not answered
  std::uint64_t loop_replies = 0;      // replies of a server synchronized to this node (a timing
                                       // loop): delivered, but the algorithm will not select it
  std::array<std::uint64_t, node::wire::kNtpDropCount> dropped{};
};

class NtpService final : public node::ForeignTransport {
 public:
  // `listen` empty: a client-only port (ntp_client_address), which polls `servers` and answers
  // no requests. `members`: the cluster's other members and their cluster addresses; a node that follows one
  // names it as its reference id by that address (RFC 5905, 7.3).
  NtpService(std::string listen, std::vector<NtpServer> servers, node::Clock& clock, node::Logger& log, NodeId self,
             std::vector<NtpServer> members = {});

  std::optional<std::string> open();
  int fd() const { return socket_.fd(); }
  std::uint16_t local_port() const { return socket_.local_port(); }
  bool owns(NodeId id) const override;

  // Reads what is queued (bounded) and hands each decoded packet to `deliver`, which must run
  // the algorithm and send its effects before returning (a reply needs the request's context).
  void receive(const std::function<void(NodeId, const Message&)>& deliver);
  void send(NodeId to, const Message& msg) override;

  const NtpCounters& counters() const { return counters_; }
  nlohmann::json status_json() const;

 private:
  struct ServerState {
    Endpoint endpoint;
    std::optional<std::uint64_t> last_xmt_raw;  // what we put on the wire
    std::int64_t last_xmt_ns = 0;                 // the local time it stands for
    // Computed on opening, before the system call filter: an IPv6 server's id is a digest.
    std::uint32_t reference_id = 0;
    // The reference id this server gives us when it is synchronized to us: our address as it
    // sees it (the one we reach it from). Nullopt when that address is unknown.
    std::optional<std::uint32_t> own_reference_id;
  };
  struct Request {  // the request being answered right now
    NodeId client;
    std::uint32_t seq;
    std::uint64_t xmt_raw;
    std::uint8_t version;
  };
  void handle(std::span<const std::uint8_t> bytes, const SocketAddress& from,
              const std::function<void(NodeId, const Message&)>& deliver);
  NodeId client_slot(const SocketAddress& from);
  std::uint32_t reference_id_for(NodeId id, int stratum) const;

  bool serving_;  // an ntp.listen address was given: answer clients
  std::string listen_;
  std::vector<NtpServer> configured_;
  std::vector<NtpServer> members_;
  node::Clock& clock_;
  node::Logger& log_;
  NodeId self_;
  UdpSocket socket_;
  std::map<NodeId, ServerState> servers_;
  std::map<NodeId, std::uint32_t> member_reference_ids_;  // computed on opening, as a server's
  std::vector<SocketAddress> clients_;  // slot -> address
  std::size_t next_slot_ = 0;
  std::uint32_t next_seq_ = 1;
  std::optional<Request> current_;
  NtpCounters counters_;
};

}  // namespace clocksim::daemon
