// The NTP port in-process: a client's mode-3 request goes to the algorithm, and counts as served
// only when the algorithm's reply goes out.
#include "daemon/loop/ntp_service.hpp"

#include <gtest/gtest.h>
#include <poll.h>

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

}  // namespace
}  // namespace clocksim::daemon
