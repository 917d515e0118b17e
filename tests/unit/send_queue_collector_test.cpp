#include <doctest/doctest.h>

#include "collector/send_queue_collector.h"
#include "tests/support/exposition.h"
#include "tests/support/fake_reader.h"

using namespace ifmib;

TEST_CASE("send_queue: length, maximum, drops and the Linux extras") {
  test::FakeReader reader;
  platform::SendQueue linux_q{"eth0", 2, "pfifo_fast", 3, 1000, 17, 4500, 2, 8, {}};
  platform::SendQueue freebsd_q{"em0", 1, "", 5, 511, 9, std::nullopt, std::nullopt, std::nullopt, {}};
  reader.send_queues_result = std::vector{linux_q, freebsd_q};
  auto families = collector::SendQueueCollector({}).collect(reader);
  REQUIRE(families.ok());
  const auto out = test::render(*families);
  const test::LabelSet eth{{"device", "eth0"}}, em{{"device", "em0"}};
  CHECK(out.value("ifmib_send_queue_length", eth) == 3);
  CHECK(out.value("ifmib_send_queue_max_length", eth) == 1000);
  CHECK(out.value("ifmib_send_queue_drops_total", eth) == 17);
  CHECK(out.value("ifmib_send_queue_backlog_bytes", eth) == 4500);
  CHECK(out.value("ifmib_send_queue_requeues_total", eth) == 2);
  CHECK(out.value("ifmib_send_queue_overlimits_total", eth) == 8);
  CHECK(out.value("ifmib_send_queue_info", {{"device", "eth0"}, {"qdisc", "pfifo_fast"}}) == 1);
  CHECK(out.value("ifmib_send_queue_length", em) == 5);
  CHECK(out.value("ifmib_send_queue_max_length", em) == 511);
  CHECK(out.value("ifmib_send_queue_drops_total", em) == 9);
  CHECK_FALSE(out.has("ifmib_send_queue_backlog_bytes", em));
  CHECK_FALSE(out.has("ifmib_send_queue_info", em));
  CHECK(out.types.at("ifmib_send_queue_drops_total") == "counter");
  CHECK(out.types.at("ifmib_send_queue_length") == "gauge");
  CHECK(out.types.at("ifmib_send_queue_max_length") == "gauge");
}

TEST_CASE("send_queue: no max length when the limit is not in packets - device filter applies") {
  test::FakeReader reader;
  platform::SendQueue tbf{"veth0", 4, "tbf", 0, std::nullopt, 1, 0, 0, 5, {}};
  platform::SendQueue other{"lo", 1, "pfifo", 0, 10, 0, 0, 0, 0, {}};
  reader.send_queues_result = std::vector{tbf, other};
  collector::Options options{*collector::DeviceFilter::create("", "^lo$"), {}, false};
  auto families = collector::SendQueueCollector(options).collect(reader);
  REQUIRE(families.ok());
  const auto out = test::render(*families);
  CHECK_FALSE(out.has("ifmib_send_queue_max_length"));
  CHECK(out.value("ifmib_send_queue_drops_total", {{"device", "veth0"}}) == 1);
  CHECK_FALSE(out.has("ifmib_send_queue_drops_total", {{"device", "lo"}}));
}

TEST_CASE("send_queue: a reader error fails the collector") {
  test::FakeReader reader;
  reader.send_queues_result = Error::invalid("RTM_GETQDISC dump", "truncated message");
  auto families = collector::SendQueueCollector({}).collect(reader);
  REQUIRE_FALSE(families.ok());
  CHECK(families.error().text() == "send_queue: RTM_GETQDISC dump: truncated message");
}

TEST_CASE("send_queue: per-queue series need the flag, which reaches the reader") {
  test::FakeReader reader;
  platform::SendQueue mq{"eth0", 2, "mq", 3, std::nullopt, 40, 4500, 2, 8, {}};
  mq.queues = {{"0", "pfifo", 0, 0, 0, 0, std::nullopt, std::nullopt},
               {"1", "tbf", 40, 3, 4500, 2, std::nullopt, std::nullopt}};
  reader.send_queues_result = std::vector{mq};

  auto plain = collector::SendQueueCollector({}).collect(reader);
  REQUIRE(plain.ok());
  CHECK_FALSE(reader.last_send_queue_query.per_queue);
  const auto p = test::render(*plain);
  CHECK_FALSE(p.has("ifmib_transmit_queue_drops_total"));
  CHECK(p.value("ifmib_send_queue_drops_total", {{"device", "eth0"}}) == 40);

  collector::Options options;
  options.send_queue_per_queue = true;
  auto detail = collector::SendQueueCollector(options).collect(reader);
  REQUIRE(detail.ok());
  CHECK(reader.last_send_queue_query.per_queue);
  const auto d = test::render(*detail);
  const test::LabelSet q1{{"device", "eth0"}, {"queue", "1"}};
  CHECK(d.value("ifmib_transmit_queue_drops_total", q1) == 40);
  CHECK(d.value("ifmib_transmit_queue_length", q1) == 3);
  CHECK(d.value("ifmib_transmit_queue_backlog_bytes", q1) == 4500);
  CHECK(d.value("ifmib_transmit_queue_requeues_total", q1) == 2);
  CHECK(d.value("ifmib_transmit_queue_info", {{"device", "eth0"}, {"queue", "1"}, {"qdisc", "tbf"}}) == 1);
  CHECK(d.value("ifmib_transmit_queue_drops_total", {{"device", "eth0"}, {"queue", "0"}}) == 0);
  CHECK_FALSE(d.has("ifmib_transmit_queue_enqueues_total"));  // FreeBSD only
  CHECK(d.types.at("ifmib_transmit_queue_drops_total") == "counter");
  CHECK(d.types.at("ifmib_transmit_queue_length") == "gauge");
}
