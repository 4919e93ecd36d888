// The NTP port in-process: a client's mode-3 request goes to the algorithm, and counts as served
// only when the algorithm's reply goes out.
#include "daemon/loop/ntp_service.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <array>
#include <optional>

#include "algorithms/ntp/ntp_message.hpp"
#include "daemon/clock/host_time_source.hpp"
#include "node/clock/virtual_clock.hpp"

namespace clocksim::daemon {
namespace {

TEST(NtpService, ARequestCountsAsServedOnlyWhenAReplyGoesOut) {
  HostTimeSource host;
  node::VirtualClock clock{{}, host};
  node::Logger log{nullptr};
  NtpService ntp("127.0.0.1:0", {}, clock, log, 1);
  ASSERT_EQ(ntp.open(), std::nullopt);
  auto client = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(client));
  const SocketAddress service = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(ntp.local_port()))).addr;
  node::wire::NtpPacket request;
  request.mode = static_cast<std::uint8_t>(node::wire::NtpMode::kClient);
  request.transmit_ts = 0x1234'5678'9abc'def0ULL;
  const auto bytes = node::wire::encode_ntp(request);
  auto ask = [&](bool answer) {
    ASSERT_TRUE(std::get<UdpSocket>(client).send_to(bytes, service));
    pollfd pfd{ntp.fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&pfd, 1, 2000), 1);
    ntp.receive([&](NodeId from, const Message& m) {
      ASSERT_EQ(m.type, MsgType::kNtpRequest);
      if (!answer) return;  // an algorithm that does not speak NTP
      Message reply = make_message(MsgType::kNtpReply, m.seq);
      ntp::put_header(reply, ntp::ReplyHeader{});
      ntp.send(from, reply);
    });
  };
  ask(false);
  EXPECT_EQ(ntp.counters().requests_served, 0u);
  EXPECT_EQ(ntp.counters().packets_out, 0u);
  ask(true);
  EXPECT_EQ(ntp.counters().requests_served, 1u);
  EXPECT_EQ(ntp.counters().packets_out, 1u);
  EXPECT_EQ(ntp.counters().packets_in, 2u);
}

// A client on loopback asks `ntp` once; the algorithm answers with `header` (unless nullopt). The
// reply as the client decodes it.
int delivered_requests = 0;

std::optional<node::wire::NtpPacket> ask_once(NtpService& ntp, const std::optional<ntp::ReplyHeader>& header) {
  auto client = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  EXPECT_TRUE(std::holds_alternative<UdpSocket>(client));
  if (!std::holds_alternative<UdpSocket>(client)) return std::nullopt;
  const SocketAddress service = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(ntp.local_port()))).addr;
  node::wire::NtpPacket request;
  request.mode = static_cast<std::uint8_t>(node::wire::NtpMode::kClient);
  request.transmit_ts = 0x1234'5678'9abc'def0ULL;
  EXPECT_TRUE(std::get<UdpSocket>(client).send_to(node::wire::encode_ntp(request), service));
  pollfd pfd{ntp.fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&pfd, 1, 2000), 1);
  ntp.receive([&](NodeId from, const Message& m) {
    ++delivered_requests;
    if (!header || m.type != MsgType::kNtpRequest) return;
    Message reply = make_message(MsgType::kNtpReply, m.seq);
    reply.t2_ns = reply.t3_ns = 1'700'000'000'000'000'000;
    ntp::put_header(reply, *header);
    ntp.send(from, reply);
  });
  pollfd back{std::get<UdpSocket>(client).fd(), POLLIN, 0};
  if (::poll(&back, 1, header ? 2000 : 50) != 1) return std::nullopt;
  std::array<std::uint8_t, 128> buf{};
  const auto got = std::get<UdpSocket>(client).receive(buf);
  if (!got) return std::nullopt;
  auto decoded = node::wire::decode_ntp({buf.data(), std::min(got->length, buf.size())});
  if (!std::holds_alternative<node::wire::NtpPacket>(decoded)) return std::nullopt;
  return std::get<node::wire::NtpPacket>(decoded);
}

// RFC 5905, 7.3: the reference id names the upstream by its address, as downstream servers
// compare it with their own to detect a loop: LOCL for this node's own clock or a reference clock,
// a configured server's or a followed member's IPv4 address (an IPv6 one's MD5 digest), never the
// algorithm's node id.
TEST(NtpService, TheReferenceIdIsLoclOrTheUpstreamsAddress) {
  HostTimeSource host;
  node::VirtualClock clock{{}, host};
  node::Logger log{nullptr};
  NtpService ntp("127.0.0.1:0", {NtpServer{100, "192.0.2.5:123"}}, clock, log, 1,
                 {NtpServer{2, "127.0.0.7:5526"}, NtpServer{3, "[::1]:5527"}});
  ASSERT_EQ(ntp.open(), std::nullopt);
  auto refid = [&](NodeId upstream, int stratum) {
    ntp::ReplyHeader h;
    h.leap = ntp::Leap::kNone;
    h.stratum = stratum;
    h.reference_id = upstream;
    const auto reply = ask_once(ntp, h);
    EXPECT_TRUE(reply);
    return reply ? reply->reference_id : 0xDEADBEEFu;
  };
  constexpr std::uint32_t kLocl = 0x4C4F434C;
  EXPECT_EQ(refid(kNoNode, 5), kLocl);   // local stratum: its own clock
  EXPECT_EQ(refid(kNoNode, 1), kLocl);   // a reference clock
  EXPECT_EQ(refid(100, 3), 0xC0000205u); // a configured server: 192.0.2.5
  EXPECT_EQ(refid(2, 6), 0x7F000007u);   // a followed member: 127.0.0.7, not 0.0.0.2
  EXPECT_EQ(refid(3, 6), 0xCF404DC8u);   // an IPv6 member: MD5 of ::1
  EXPECT_EQ(refid(77, 6), 0u);           // no address known: not the id 0.0.0.77
}

// RFC 5905, 7.3: the reference timestamp is when the clock was last set or corrected (the
// algorithm's reference age before the reply's receive time), 0 when it never was; not the
// request's arrival.
TEST(NtpService, TheReferenceTimestampIsTheLastUpdateOrZero) {
  HostTimeSource host;
  node::VirtualClock clock{{}, host};
  node::Logger log{nullptr};
  NtpService ntp("127.0.0.1:0", {}, clock, log, 1);
  ASSERT_EQ(ntp.open(), std::nullopt);
  ntp::ReplyHeader h;
  h.leap = ntp::Leap::kNotSynchronized;
  h.stratum = 16;
  const auto never = ask_once(ntp, h);
  ASSERT_TRUE(never);
  EXPECT_EQ(never->reference_ts, 0u);
  h.leap = ntp::Leap::kNone;
  h.stratum = 3;
  h.reference_age_ms = 1500;
  const auto synced = ask_once(ntp, h);
  ASSERT_TRUE(synced);
  EXPECT_EQ(synced->receive_ts, node::wire::ntp_from_unix_ns(1'700'000'000'000'000'000));
  EXPECT_EQ(synced->reference_ts, node::wire::ntp_from_unix_ns(1'699'999'998'500'000'000));
}

// A client-only port (no ntp.listen): it polls its servers from an ephemeral port on the
// servers' IP version's wildcard and answers no client (counted), as it was offered to nobody.
TEST(NtpService, AClientOnlyPortPollsItsServersAndServesNobody) {
  EXPECT_EQ(ntp_client_address({NtpServer{100, "127.0.0.1:123"}}), "0.0.0.0:0");
  EXPECT_EQ(ntp_client_address({NtpServer{100, "127.0.0.1:123"}, NtpServer{101, "[::1]:123"}}), "[::]:0");
  auto upstream = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(upstream));
  HostTimeSource host;
  node::VirtualClock clock{{}, host};
  node::Logger log{nullptr};
  NtpService ntp("", {NtpServer{100, "127.0.0.1:" + std::to_string(std::get<UdpSocket>(upstream).local_port())}}, clock,
                 log, 1);
  ASSERT_EQ(ntp.open(), std::nullopt);
  EXPECT_NE(ntp.local_port(), 0);
  EXPECT_EQ(ntp.status_json()["serving"], false);
  Message poll = make_message(MsgType::kNtpRequest, 1);
  poll.t1_ns = 1'700'000'000'000'000'000;
  ntp.send(100, poll);
  pollfd pfd{std::get<UdpSocket>(upstream).fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 2000), 1);
  std::array<std::uint8_t, 128> buf{};
  const auto got = std::get<UdpSocket>(upstream).receive(buf);
  ASSERT_TRUE(got);
  auto decoded = node::wire::decode_ntp({buf.data(), std::min(got->length, buf.size())});
  ASSERT_TRUE(std::holds_alternative<node::wire::NtpPacket>(decoded));
  EXPECT_EQ(std::get<node::wire::NtpPacket>(decoded).mode, static_cast<std::uint8_t>(node::wire::NtpMode::kClient));
  // A request to that port is not handed to the algorithm (nor answered), and is counted.
  delivered_requests = 0;
  EXPECT_FALSE(ask_once(ntp, std::nullopt));
  EXPECT_EQ(delivered_requests, 0);
  EXPECT_EQ(ntp.counters().requests_ignored, 1u);
  EXPECT_EQ(ntp.counters().requests_served, 0u);
}

// RFC 5905 A.5.2: a server whose reference id is this node's own address (as that server knows
// us: the bound address, or on a wildcard the one we reach it from) is synchronized to us, a
// timing loop; its reply reaches the algorithm naming this node as the reference, which fit()
// refuses. Any other reference id, or one below stratum 2 (a code, not an address), names nobody.
TEST(NtpService, AServerSynchronizedToThisNodeIsPassedOnAsALoop) {
  for (const char* listen : {"127.0.0.1:0", "0.0.0.0:0", ""}) {
    SCOPED_TRACE(listen);
    auto upstream = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
    ASSERT_TRUE(std::holds_alternative<UdpSocket>(upstream));
    UdpSocket& server = std::get<UdpSocket>(upstream);
    HostTimeSource host;
    node::VirtualClock clock{{}, host};
    node::Logger log{nullptr};
    NtpService ntp(listen, {NtpServer{100, "127.0.0.1:" + std::to_string(server.local_port())}}, clock, log, 1);
    ASSERT_EQ(ntp.open(), std::nullopt);
    const SocketAddress service = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(ntp.local_port()))).addr;
    std::int64_t xmt_ns = 1'700'000'000'000'000'000;
    // The algorithm's view of the server's reference id for one exchange.
    auto exchange = [&](int stratum, std::uint32_t refid) -> std::optional<NodeId> {
      Message poll = make_message(MsgType::kNtpRequest, 1);
      poll.t1_ns = ++xmt_ns;
      ntp.send(100, poll);
      pollfd pfd{server.fd(), POLLIN, 0};
      if (::poll(&pfd, 1, 2000) != 1) return std::nullopt;
      std::array<std::uint8_t, 128> buf{};
      const auto got = server.receive(buf);
      if (!got) return std::nullopt;
      auto request = node::wire::decode_ntp({buf.data(), std::min(got->length, buf.size())});
      if (!std::holds_alternative<node::wire::NtpPacket>(request)) return std::nullopt;
      node::wire::NtpPacket r;
      r.mode = static_cast<std::uint8_t>(node::wire::NtpMode::kServer);
      r.stratum = static_cast<std::uint8_t>(stratum);
      r.reference_id = refid;
      r.origin_ts = std::get<node::wire::NtpPacket>(request).transmit_ts;
      r.receive_ts = r.transmit_ts = node::wire::ntp_from_unix_ns(xmt_ns);
      server.send_to(node::wire::encode_ntp(r), service);
      pollfd back{ntp.fd(), POLLIN, 0};
      if (::poll(&back, 1, 2000) != 1) return std::nullopt;
      std::optional<NodeId> named;
      ntp.receive([&](NodeId from, const Message& m) {
        if (from == 100 && m.type == MsgType::kNtpReply) named = ntp::get_header(m).reference_id;
      });
      return named;
    };
    EXPECT_EQ(exchange(3, 0x7F000001), NodeId{1});        // 127.0.0.1: us
    EXPECT_EQ(ntp.counters().loop_replies, 1u);
    EXPECT_EQ(exchange(3, 0x7F000009), NodeId{kNoNode});  // another server's address
    EXPECT_EQ(exchange(1, 0x7F000001), NodeId{kNoNode});  // stratum 1: a code that happens to match
    EXPECT_EQ(ntp.counters().loop_replies, 1u);
  }
}

}  // namespace
}  // namespace clocksim::daemon
