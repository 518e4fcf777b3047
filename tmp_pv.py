import timeit, protovalidate
from client import InMemoryRegistry, EventSerializer
from tests.client.protobuf_support import *
from google.protobuf import message_factory
p = valid_payment()
reg = InMemoryRegistry()
ser = EventSerializer(reg, schemas={"PaymentCaptured": payments().PaymentCaptured}, auto_register=True)
ser.encode("PaymentCaptured", p)
codec = ser._fixed_targets["PaymentCaptured"].codec
dyn_cls = message_factory.GetMessageClass(codec._by_name["acme.payments.v1.PaymentCaptured"])
d = dyn_cls.FromString(p.SerializeToString())
v1 = protovalidate.Validator(); v2 = protovalidate.Validator()
v1.collect_violations(p); v2.collect_violations(d)
N=2000
for name, stmt in [("generated", "v1.collect_violations(p)"), ("dynamic", "v2.collect_violations(d)"), ("codec.rule_violations", "codec.rule_violations(d)"), ("parse", "dyn_cls.FromString(p.SerializeToString())"), ("encode", "ser.encode('PaymentCaptured', p)")]:
    print(name, min(timeit.repeat(stmt, globals=globals(), number=N, repeat=5))/N*1e6)
