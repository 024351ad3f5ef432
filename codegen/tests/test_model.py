import copy
import json
import os
import tempfile
import unittest

from codegen.errors import GenerationError
from codegen.model import Model
from codegen.tests.models import service_model, sid


class ModelIndex(unittest.TestCase):
    def test_prelude_is_supplied(self):
        m = Model(service_model())
        self.assertEqual(m.get("smithy.api#String").type, "string")
        self.assertEqual(m.get("smithy.api#PrimitiveLong").traits["smithy.api#default"], 0)
        self.assertIn("smithy.api#unitType", m.get("smithy.api#Unit").traits)

    def test_single_service_is_chosen(self):
        m = Model(service_model())
        self.assertEqual(m.service().id, sid("Weather"))

    def test_several_services_need_a_choice(self):
        doc = service_model()
        doc["shapes"][sid("Other")] = {"type": "service", "operations": []}
        m = Model(doc)
        with self.assertRaisesRegex(GenerationError, "--service"):
            m.service()
        self.assertEqual(m.service(sid("Other")).id, sid("Other"))
        with self.assertRaisesRegex(GenerationError, "not in model"):
            m.service("x#Y")

    def test_apply_merges_member_traits(self):
        doc = service_model()
        doc["shapes"][sid("Coords$lon")] = {"type": "apply", "traits": {"smithy.api#required": {}}}
        m = Model(doc)
        self.assertIn("smithy.api#required", m.get(sid("Coords")).member("lon").traits)

    def test_unsupported_shape_type_names_the_shape(self):
        doc = service_model({sid("Weird"): {"type": "quantum"}})
        with self.assertRaisesRegex(GenerationError, r"example\.weather#Weird.*quantum"):
            Model(doc)

    def test_unknown_target_is_reported(self):
        doc = service_model()
        doc["shapes"][sid("Coords")]["members"]["alt"] = {"target": sid("Missing")}
        m = Model(doc)
        with self.assertRaisesRegex(GenerationError, "Missing"):
            m.closure([m.get(sid("Coords"))])

    def test_operations_through_resources(self):
        doc = service_model()
        doc["shapes"][sid("Weather")]["resources"] = [{"target": sid("City")}]
        doc["shapes"][sid("City")] = {"type": "resource", "read": {"target": sid("GetCity2")}}
        doc["shapes"][sid("GetCity2")] = copy.deepcopy(doc["shapes"][sid("GetCity")])
        m = Model(doc)
        self.assertEqual([o.name for o in m.operations(m.service())], ["GetCity", "GetCity2"])

    def test_closure_follows_members(self):
        m = Model(service_model())
        ids = {s.id for s in m.closure([m.get(sid("GetCityOutput"))])}
        self.assertIn(sid("Coords"), ids)
        self.assertIn("smithy.api#Double", ids)
        self.assertNotIn(sid("GetCityInput"), ids)

    def test_mixins_fold_members_and_traits_in(self):
        doc = service_model({
            sid("Stamped"): {"type": "structure", "traits": {"smithy.api#mixin": {}, "smithy.api#sensitive": {}},
                             "members": {"at": {"target": "smithy.api#Timestamp"},
                                         "by": {"target": "smithy.api#String"}}},
            sid("Note"): {"type": "structure", "mixins": [{"target": sid("Stamped")}],
                          "members": {"text": {"target": "smithy.api#String"},
                                      "by": {"target": "smithy.api#String",
                                             "traits": {"smithy.api#required": {}}}}}})
        note = Model(doc).get(sid("Note"))
        self.assertEqual([m.name for m in note.members], ["at", "by", "text"])
        self.assertIn("smithy.api#required", note.member("by").traits)
        self.assertIn("smithy.api#sensitive", note.traits)
        self.assertNotIn("smithy.api#mixin", note.traits)

    def test_load_reports_bad_files(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "m.json")
            with open(p, "w") as fh:
                fh.write("{not json")
            with self.assertRaisesRegex(GenerationError, "cannot read model"):
                Model.load(p)
            with open(p, "w") as fh:
                json.dump({"smithy": "2.0"}, fh)
            with self.assertRaisesRegex(GenerationError, "no 'shapes'"):
                Model.load(p)


if __name__ == "__main__":
    unittest.main()
