"""Secure interop with Python grpcio (Debian python3-grpcio, the C-core
implementation): TLS, mutual TLS, bearer tokens, google.rpc.Status error
details, cancellation, deadlines and x-request-id. The same checks as
secure.test.js (Node grpc-js), against the servers and certificates that
secure_setup.sh starts and exports as QMI_* variables.

There is no grpc_tools here: the message classes are generated with
`protoc --python_out` into a temporary directory at start-up, and methods are
called through channel.unary_unary(...) and friends.

usage: run_python.sh QUOTEMATCH_SERVER SOURCE_DIR
"""

import atexit
import importlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import grpc

SRC = os.environ["QMI_SOURCE_DIR"]
CERTS = os.environ["QMI_CERTS"]

# grpc.health.v1 messages (the service's proto is not installed with
# python3-grpcio); field numbers as in grpc/health/v1/health.proto.
HEALTH_PROTO = """
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
"""


def _generate_messages():
    out = tempfile.mkdtemp(prefix="qm-python-interop-")
    atexit.register(shutil.rmtree, out, True)
    os.makedirs(os.path.join(out, "qmi_health"))
    with open(os.path.join(out, "qmi_health", "health.proto"), "w") as f:
        f.write(HEALTH_PROTO)
    includes = ["-I", os.path.join(SRC, "proto"), "-I", os.path.join(SRC, "proto/third_party"), "-I", out]
    if os.path.isdir("/usr/include/google/protobuf"):
        includes += ["-I", "/usr/include"]
    subprocess.run(["protoc", *includes, "--python_out", out,
                    "quotematch/v1/quotematch.proto", "google/rpc/status.proto",
                    "google/rpc/error_details.proto", "qmi_health/health.proto"],
                   check=True)
    sys.path.insert(0, out)
    return (importlib.import_module("quotematch.v1.quotematch_pb2"),
            importlib.import_module("google.rpc.status_pb2"),
            importlib.import_module("google.rpc.error_details_pb2"),
            importlib.import_module("qmi_health.health_pb2"))


qm, status_pb2, error_details_pb2, health_pb2 = _generate_messages()

SERVICE = "/quotematch.v1.QuoteMatchService/"
METHODS = {  # name: (kind, request, response)
    "Normalize": ("unary_unary", qm.NormalizeRequest, qm.NormalizeResponse),
    "ExtractStatements": ("unary_unary", qm.ExtractStatementsRequest, qm.ExtractStatementsResponse),
    "AlignDocuments": ("unary_stream", qm.AlignDocumentsRequest, qm.AlignDocumentsResponse),
    "MatchStream": ("stream_stream", qm.MatchStreamRequest, qm.MatchStreamResponse),
    "IngestDocuments": ("stream_stream", qm.IngestDocumentsRequest, qm.IngestDocumentsResponse),
    "WatchMatches": ("unary_stream", qm.WatchMatchesRequest, qm.WatchMatchesResponse),
}
DETAIL_TYPES = {
    "google.rpc.BadRequest": error_details_pb2.BadRequest,
    "google.rpc.QuotaFailure": error_details_pb2.QuotaFailure,
    "google.rpc.RetryInfo": error_details_pb2.RetryInfo,
    "google.rpc.ErrorInfo": error_details_pb2.ErrorInfo,
}

EN = open(os.path.join(SRC, "examples/border_talks.en.txt"), "rb").read()
FA = open(os.path.join(SRC, "examples/border_talks.fa.txt"), "rb").read()
NORMALIZE = qm.NormalizeRequest(text=b"Araghchi said 24 people", language=qm.LANGUAGE_ENGLISH)


def cert(name):
    with open(os.path.join(CERTS, name), "rb") as f:
        return f.read()


_channels = []


def channel(address, creds=None, options=()):
    ch = grpc.secure_channel(address, creds, options) if creds else grpc.insecure_channel(address, options)
    _channels.append(ch)
    return ch


@atexit.register
def _close_channels():
    for ch in _channels:
        ch.close()


def stub(ch, method):
    kind, request, response = METHODS[method]
    return getattr(ch, kind)(SERVICE + method, request_serializer=request.SerializeToString,
                             response_deserializer=response.FromString)


def unary(ch, method, request, metadata=(), timeout=10):
    """(response, call, error): the call's initial metadata via call or error."""
    try:
        response, call = stub(ch, method).with_call(request, metadata=metadata, timeout=timeout)
        return response, call, None
    except grpc.RpcError as err:
        return None, err, err


def bearer(token):
    return (("authorization", "Bearer " + token),)


def health_check(ch, service=""):
    check = ch.unary_unary("/grpc.health.v1.Health/Check",
                           request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                           response_deserializer=health_pb2.HealthCheckResponse.FromString)
    return check(health_pb2.HealthCheckRequest(service=service), timeout=10).status


def status_details(testcase, err):
    """The decoded grpc-status-details-bin of a failed call:
    (google.rpc.Status, {"BadRequest": msg, ...}); asserts it agrees with the
    call's own status."""
    bins = [v for k, v in (err.trailing_metadata() or ()) if k == "grpc-status-details-bin"]
    testcase.assertEqual(len(bins), 1, "no grpc-status-details-bin on %s %s" % (err.code(), err.details()))
    st = status_pb2.Status.FromString(bins[0])
    testcase.assertEqual(st.code, err.code().value[0], "google.rpc.Status code differs from grpc-status")
    testcase.assertEqual(st.message, err.details(), "google.rpc.Status message differs from grpc-message")
    details = {}
    for any_msg in st.details:
        name = any_msg.type_url.rsplit("/", 1)[-1]
        testcase.assertIn(name, DETAIL_TYPES, any_msg.type_url)
        msg = DETAIL_TYPES[name]()
        testcase.assertTrue(any_msg.Unpack(msg))
        details[name.rsplit(".", 1)[-1]] = msg
    return st, details


def poll_until(testcase, what, fn, timeout=5.0):
    end = time.monotonic() + timeout
    while True:
        ok, last = fn()
        if ok:
            return last
        if time.monotonic() > end:
            testcase.fail("timed out waiting for %s; last: %r" % (what, last))
        time.sleep(0.05)


class Base(unittest.TestCase):
    def assertNormalized(self, result):
        response, _, err = result
        self.assertIsNone(err, err and "%s: %s" % (err.code(), err.details()))
        self.assertEqual(response.key, "araghchi said 24 people")
        self.assertEqual(len(response.tokens), 4)

    def assertCode(self, err, code, pattern=None):
        self.assertIsNotNone(err, "expected %s, the call succeeded" % code)
        self.assertEqual(err.code(), code, err.details())
        if pattern:
            self.assertRegex(err.details(), pattern)


class TlsTest(Base):
    address = os.environ["QMI_TLS_ADDR"]

    def test_client_trusting_the_ca_normalizes(self):
        creds = grpc.ssl_channel_credentials(root_certificates=cert("ca.pem"))
        self.assertNormalized(unary(channel(self.address, creds), "Normalize", NORMALIZE))
        # The same through the DNS name in the certificate.
        ch = channel(self.address, creds, (("grpc.ssl_target_name_override", "localhost"),))
        self.assertNormalized(unary(ch, "Normalize", NORMALIZE))

    def test_name_absent_from_the_certificate_is_refused(self):
        creds = grpc.ssl_channel_credentials(root_certificates=cert("ca.pem"))
        ch = channel(self.address, creds, (("grpc.ssl_target_name_override", "not-localhost.example"),))
        self.assertCode(unary(ch, "Normalize", NORMALIZE)[2], grpc.StatusCode.UNAVAILABLE)

    def test_plaintext_client_fails(self):
        self.assertCode(unary(channel(self.address), "Normalize", NORMALIZE)[2], grpc.StatusCode.UNAVAILABLE)

    def test_client_not_trusting_the_ca_fails(self):
        creds = grpc.ssl_channel_credentials(root_certificates=cert("rogue_ca.pem"))
        self.assertCode(unary(channel(self.address, creds), "Normalize", NORMALIZE)[2],
                        grpc.StatusCode.UNAVAILABLE)


class MutualTlsTest(Base):
    address = os.environ["QMI_MTLS_ADDR"]

    def test_client_certificate_signed_by_the_ca_normalizes(self):
        creds = grpc.ssl_channel_credentials(cert("ca.pem"), cert("client.key"), cert("client.pem"))
        self.assertNormalized(unary(channel(self.address, creds), "Normalize", NORMALIZE))

    def test_no_client_certificate_fails(self):
        creds = grpc.ssl_channel_credentials(root_certificates=cert("ca.pem"))
        self.assertCode(unary(channel(self.address, creds), "Normalize", NORMALIZE)[2],
                        grpc.StatusCode.UNAVAILABLE)

    def test_client_certificate_from_an_untrusted_ca_fails(self):
        creds = grpc.ssl_channel_credentials(cert("ca.pem"), cert("rogue_client.key"), cert("rogue_client.pem"))
        self.assertCode(unary(channel(self.address, creds), "Normalize", NORMALIZE)[2],
                        grpc.StatusCode.UNAVAILABLE)


def count_events(log, event):
    with open(log) as f:
        return sum('"event":"%s"' % event in line for line in f)


class TokenTest(Base):
    address = os.environ["QMI_AUTH_ADDR"]

    def setUp(self):
        self.ch = channel(self.address)

    def test_missing_unknown_and_malformed_tokens(self):
        cases = [
            (None, "TOKEN_MISSING"),
            ("Bearer wrong-token-0123456789abcdef", "TOKEN_UNKNOWN"),
            ("Basic x", "TOKEN_MALFORMED"),
            ("Bearer", "TOKEN_MALFORMED"),
        ]
        for header, reason in cases:
            with self.subTest(header=header):
                metadata = (("authorization", header),) if header is not None else ()
                err = unary(self.ch, "Normalize", NORMALIZE, metadata)[2]
                self.assertCode(err, grpc.StatusCode.UNAUTHENTICATED)
                _, details = status_details(self, err)
                self.assertEqual(details["ErrorInfo"].reason, reason)
                self.assertEqual(details["ErrorInfo"].domain, "quotematch")
                self.assertNotIn("0123456789abcdef", err.details())

    def test_read_token_normalizes_but_may_not_ingest(self):
        self.assertNormalized(unary(self.ch, "Normalize", NORMALIZE, bearer(os.environ["QMI_READ_TOKEN"])))
        request = qm.IngestDocumentsRequest(document=qm.Document(id="denied", language=qm.LANGUAGE_ENGLISH, text=EN))
        call = stub(self.ch, "IngestDocuments")(iter([request]), metadata=bearer(os.environ["QMI_READ_TOKEN"]),
                                                 timeout=10)
        with self.assertRaises(grpc.RpcError) as caught:
            list(call)
        err = caught.exception
        self.assertCode(err, grpc.StatusCode.PERMISSION_DENIED)
        _, details = status_details(self, err)
        self.assertEqual(details["ErrorInfo"].reason, "SCOPE_MISSING")
        self.assertEqual(details["ErrorInfo"].domain, "quotematch")

    def test_ingest_token_stores_a_document(self):
        request = qm.IngestDocumentsRequest(
            document=qm.Document(id="python-ingest-en", language=qm.LANGUAGE_ENGLISH, text=EN))
        responses = list(stub(self.ch, "IngestDocuments")(iter([request]),
                                                           metadata=bearer(os.environ["QMI_INGEST_TOKEN"]),
                                                           timeout=15))
        self.assertEqual(len(responses), 1)
        self.assertEqual(responses[0].WhichOneof("result"), "stored", responses[0])
        self.assertEqual(responses[0].stored.document_id, "python-ingest-en")
        self.assertEqual(responses[0].stored.outcome, qm.INGEST_OUTCOME_NEW)
        self.assertGreater(responses[0].stored.statement_count, 0)

    def test_health_needs_no_token(self):
        for service in ("", "quotematch.v1.QuoteMatchService"):
            self.assertEqual(health_check(self.ch, service), health_pb2.HealthCheckResponse.SERVING)

    def test_sighup_reloads_tokens_and_a_broken_file_keeps_them(self):
        path = os.environ["QMI_AUTH_TOKENS"]
        pid = int(os.environ["QMI_AUTH_PID"])
        log = os.environ["QMI_AUTH_LOG"]
        with open(path) as f:
            original = f.read()
        new_token = "python-sighup-token-0123456789abcdef"

        def write(text):
            with open(path + ".new", "w") as f:
                f.write(text)
            os.replace(path + ".new", path)

        try:
            err = unary(self.ch, "Normalize", NORMALIZE, bearer(new_token))[2]
            self.assertCode(err, grpc.StatusCode.UNAUTHENTICATED)
            self.assertEqual(status_details(self, err)[1]["ErrorInfo"].reason, "TOKEN_UNKNOWN")

            write(original + new_token + " read python-sighup\n")
            os.kill(pid, signal.SIGHUP)

            def new_token_works():
                _, _, e = unary(self.ch, "Normalize", NORMALIZE, bearer(new_token))
                return e is None, e and e.code()
            poll_until(self, "the new token to work", new_token_works)
            self.assertNormalized(unary(self.ch, "Normalize", NORMALIZE, bearer(os.environ["QMI_READ_TOKEN"])))

            # A file that does not load: an unknown scope, and nothing else.
            failures = count_events(log, "reload_failed")
            write("broken-token-0123456789abcdef frobnicate nobody\n")
            os.kill(pid, signal.SIGHUP)
            poll_until(self, "a reload_failed log event",
                       lambda: (count_events(log, "reload_failed") > failures, None))
            self.assertNormalized(unary(self.ch, "Normalize", NORMALIZE, bearer(new_token)))
            self.assertNormalized(unary(self.ch, "Normalize", NORMALIZE, bearer(os.environ["QMI_READ_TOKEN"])))
            err = unary(self.ch, "Normalize", NORMALIZE, bearer("broken-token-0123456789abcdef"))[2]
            self.assertCode(err, grpc.StatusCode.UNAUTHENTICATED)
        finally:
            write(original)
            os.kill(pid, signal.SIGHUP)


class ErrorDetailsTest(Base):
    def setUp(self):
        self.ch = channel(os.environ["QMI_LIMITS_ADDR"])

    def test_invalid_argument_carries_bad_request(self):
        doc = lambda text: qm.ExtractStatementsRequest(
            document=qm.Document(id="x", language=qm.LANGUAGE_ENGLISH, text=text))
        cases = [
            ("Normalize", qm.NormalizeRequest(text=b""), "text"),
            ("Normalize", qm.NormalizeRequest(text=b"hello", language=7), "language"),
            ("ExtractStatements", doc(b""), "document.text"),
            ("ExtractStatements", doc(b"a\xffb"), "document.text"),
        ]
        for method, request, field in cases:
            with self.subTest(method=method, field=field):
                err = unary(self.ch, method, request)[2]
                self.assertCode(err, grpc.StatusCode.INVALID_ARGUMENT)
                _, details = status_details(self, err)
                self.assertIn("BadRequest", details, err.details())
                violations = details["BadRequest"].field_violations
                self.assertEqual(len(violations), 1)
                self.assertEqual(violations[0].field, field, err.details())
                self.assertTrue(violations[0].description)
                self.assertTrue(err.details().startswith(field + ": "), err.details())

    def test_document_over_max_document_bytes_is_resource_exhausted(self):
        limit = int(os.environ["QMI_LIMITS_MAX_DOCUMENT_BYTES"])
        sentence = b"The minister said the talks went well. "
        big = sentence * (-(-(limit + 100) // len(sentence)))
        self.assertGreater(len(big), limit)
        cases = [
            ("ExtractStatements", qm.ExtractStatementsRequest(
                document=qm.Document(id="big", language=qm.LANGUAGE_ENGLISH, text=big))),
            ("Normalize", qm.NormalizeRequest(text=big, language=qm.LANGUAGE_ENGLISH)),
        ]
        for method, request in cases:
            with self.subTest(method=method):
                err = unary(self.ch, method, request)[2]
                self.assertCode(err, grpc.StatusCode.RESOURCE_EXHAUSTED)
                _, details = status_details(self, err)
                self.assertIn("QuotaFailure", details, err.details())
                violations = details["QuotaFailure"].violations
                self.assertEqual(len(violations), 1)
                self.assertTrue(violations[0].subject)
                self.assertIn(str(limit), violations[0].description)
        # Just under the limit is fine.
        _, _, err = unary(self.ch, "Normalize", qm.NormalizeRequest(text=big[:limit], language=qm.LANGUAGE_ENGLISH))
        self.assertIsNone(err, err and err.details())

    def test_rate_limit_third_quick_call_gets_retry_info(self):
        ch = channel(os.environ["QMI_RATE_ADDR"])
        metadata = bearer(os.environ["QMI_RATE_TOKEN"])
        results = [unary(ch, "Normalize", NORMALIZE, metadata) for _ in range(3)]
        self.assertNormalized(results[0])
        self.assertNormalized(results[1])
        err = results[2][2]
        self.assertCode(err, grpc.StatusCode.RESOURCE_EXHAUSTED)
        _, details = status_details(self, err)
        self.assertIn("RetryInfo", details, err.details())
        delay = details["RetryInfo"].retry_delay.ToTimedelta().total_seconds()
        self.assertTrue(0 < delay <= 1, "retry_delay %s s" % delay)
        self.assertIn("QuotaFailure", details, err.details())
        self.assertEqual(details["QuotaFailure"].violations[0].subject, "token:rater")
        # After the advertised delay a call is admitted again.
        time.sleep(delay + 0.1)
        self.assertNormalized(unary(ch, "Normalize", NORMALIZE, metadata))


def gauge(name):
    # urllib sends `Connection: close`, so every scrape is a fresh connection.
    with urllib.request.urlopen("http://%s/metrics" % os.environ["QMI_LIMITS_METRICS"], timeout=5) as r:
        text = r.read().decode()
    m = re.search(r"^%s(?:\{[^}]*\})? ([0-9.e+-]+)$" % re.escape(name), text, re.M)
    if not m:
        raise AssertionError("%s missing from /metrics" % name)
    return float(m.group(1))


class StreamsTest(Base):
    """WatchMatches limits, cancellation and deadlines on the LIMITS server
    (--max_watchers=1, metrics). The tests run in name order."""

    def setUp(self):
        self.address = os.environ["QMI_LIMITS_ADDR"]
        self.ch = channel(self.address)
        self.open_calls = []

    def tearDown(self):
        for call in self.open_calls:
            call.cancel()

    def wait_gauge(self, name, value):
        poll_until(self, "%s == %s" % (name, value), lambda: (gauge(name) == value, gauge(name)))

    def watch(self, timeout=None):
        call = stub(self.ch, "WatchMatches")(qm.WatchMatchesRequest(after_sequence=0), timeout=timeout)
        self.open_calls.append(call)
        return call

    def assertEndsWith(self, call, code):
        with self.assertRaises(grpc.RpcError) as caught:
            for _ in call:
                pass
        self.assertCode(caught.exception, code)
        return caught.exception

    def assertHealthy(self):
        ch = channel(self.address)
        self.assertEqual(health_check(ch, "quotematch.v1.QuoteMatchService"), health_pb2.HealthCheckResponse.SERVING)
        self.assertNormalized(unary(ch, "Normalize", NORMALIZE))

    def test_1_second_watcher_is_refused_with_max_watchers(self):
        self.wait_gauge("quotematch_open_watchers", 0)
        first = self.watch()
        self.wait_gauge("quotematch_open_watchers", 1)
        err = self.assertEndsWith(self.watch(timeout=10), grpc.StatusCode.RESOURCE_EXHAUSTED)
        _, details = status_details(self, err)
        self.assertIn("QuotaFailure", details, err.details())
        self.assertEqual(details["QuotaFailure"].violations[0].subject, "max_watchers")
        first.cancel()
        self.assertEndsWith(first, grpc.StatusCode.CANCELLED)
        self.wait_gauge("quotematch_open_watchers", 0)

    def test_2_cancelled_watch_frees_the_watcher(self):
        w = self.watch()
        self.wait_gauge("quotematch_open_watchers", 1)
        w.cancel()
        self.assertEndsWith(w, grpc.StatusCode.CANCELLED)
        self.wait_gauge("quotematch_open_watchers", 0)
        # The slot is free again: a new watcher is admitted.
        again = self.watch()
        self.wait_gauge("quotematch_open_watchers", 1)
        again.cancel()
        self.assertEndsWith(again, grpc.StatusCode.CANCELLED)
        self.wait_gauge("quotematch_open_watchers", 0)
        self.assertHealthy()

    def match_stream(self):
        requests = queue.Queue()

        def request_iterator():
            while True:
                item = requests.get()
                if item is None:
                    return
                yield item
        call = stub(self.ch, "MatchStream")(request_iterator(), timeout=30)
        self.open_calls.append(call)
        self.addCleanup(requests.put, None)
        return requests, call

    def test_3_match_stream_cancelled_mid_session(self):
        self.wait_gauge("quotematch_open_streams", 0)
        requests, call = self.match_stream()
        requests.put(qm.MatchStreamRequest(document=qm.Document(id="en", language=qm.LANGUAGE_ENGLISH, text=EN)))
        first = next(call)
        self.assertEqual(first.WhichOneof("event"), "accepted", first)
        self.assertEqual(gauge("quotematch_open_streams"), 1)
        call.cancel()
        self.assertEndsWith(call, grpc.StatusCode.CANCELLED)
        self.wait_gauge("quotematch_open_streams", 0)
        self.assertHealthy()

    def test_4_match_stream_cancelled_while_matching(self):
        requests, call = self.match_stream()
        requests.put(qm.MatchStreamRequest(document=qm.Document(id="en", language=qm.LANGUAGE_ENGLISH, text=EN)))
        requests.put(qm.MatchStreamRequest(document=qm.Document(id="fa", language=qm.LANGUAGE_PERSIAN, text=FA)))
        call.cancel()
        self.assertEndsWith(call, grpc.StatusCode.CANCELLED)
        self.wait_gauge("quotematch_open_streams", 0)
        self.assertHealthy()

    def test_5_expired_and_1ms_deadlines(self):
        # Already expired. (timeout=0 is not: the call may still reach the
        # server and be answered before the client's deadline timer fires.)
        self.assertCode(unary(self.ch, "Normalize", NORMALIZE, timeout=-1)[2], grpc.StatusCode.DEADLINE_EXCEEDED)
        # A 1 ms deadline on a session that cannot end by itself (never
        # half-closed); a unary call may well finish within 1 ms on loopback.
        requests = queue.Queue()

        def request_iterator():
            yield qm.MatchStreamRequest(document=qm.Document(id="en", language=qm.LANGUAGE_ENGLISH, text=EN))
            requests.get()
        self.addCleanup(requests.put, None)
        call = stub(self.ch, "MatchStream")(request_iterator(), timeout=0.001)
        self.open_calls.append(call)
        self.assertEndsWith(call, grpc.StatusCode.DEADLINE_EXCEEDED)
        self.wait_gauge("quotematch_open_streams", 0)

    def test_6_server_ends_watch_at_its_deadline(self):
        self.wait_gauge("quotematch_open_watchers", 0)
        start = time.monotonic()
        w = self.watch(timeout=0.7)
        self.wait_gauge("quotematch_open_watchers", 1)
        self.assertEndsWith(w, grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertGreaterEqual(time.monotonic() - start, 0.6)
        self.wait_gauge("quotematch_open_watchers", 0)


class RequestIdTest(Base):
    def setUp(self):
        self.ch = channel(os.environ["QMI_LIMITS_ADDR"])

    def test_client_id_echoed_or_made(self):
        made = re.compile(r"^[0-9a-f]{16}$")
        cases = [
            ("interop-Python_1:2.3", "interop-Python_1:2.3"),
            ("a" * 128, "a" * 128),
            (None, made),
            ("a" * 129, made),
            ("has space", made),
            ("semi;colon", made),
        ]
        seen = set()
        for sent, expect in cases:
            with self.subTest(sent=sent):
                metadata = (("x-request-id", sent),) if sent is not None else ()
                result = unary(self.ch, "Normalize", NORMALIZE, metadata)
                self.assertNormalized(result)
                got = [v for k, v in result[1].initial_metadata() if k == "x-request-id"]
                self.assertEqual(len(got), 1, got)
                if isinstance(expect, str):
                    self.assertEqual(got[0], expect)
                else:
                    self.assertRegex(got[0], expect)
                    self.assertNotIn(got[0], seen)
                    seen.add(got[0])

    def test_failed_call_gets_it_too(self):
        _, _, err = unary(self.ch, "Normalize", qm.NormalizeRequest(text=b""), (("x-request-id", "python-error-1"),))
        self.assertCode(err, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual([v for k, v in err.initial_metadata() if k == "x-request-id"], ["python-error-1"])

    def test_streaming_call_gets_it_too(self):
        call = stub(self.ch, "AlignDocuments")(qm.AlignDocumentsRequest(
            english=qm.Document(id="en", language=qm.LANGUAGE_ENGLISH, text=EN),
            persian=qm.Document(id="fa", language=qm.LANGUAGE_PERSIAN, text=FA)),
            metadata=(("x-request-id", "python-stream-1"),), timeout=15)
        messages = list(call)
        self.assertGreater(len(messages), 1)
        self.assertEqual([v for k, v in call.initial_metadata() if k == "x-request-id"], ["python-stream-1"])


if __name__ == "__main__":
    unittest.main()
