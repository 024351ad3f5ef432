"""Small Smithy JSON AST models built in code for the generator's tests."""

NS = "example.weather"


def sid(name):
    return f"{NS}#{name}"


def service_model(extra_shapes=None, service_traits=None, operations=("GetCity",)):
    shapes = {
        sid("Weather"): {
            "type": "service", "version": "2024-01-01",
            "operations": [{"target": sid(o)} for o in operations],
            "traits": {"aws.protocols#restJson1": {}, "aws.auth#sigv4": {"name": "weather"},
                       "aws.api#service": {"sdkId": "Weather", "endpointPrefix": "weather"},
                       "smithy.api#documentation": "<p>Reports the <b>weather</b>.</p>",
                       **(service_traits or {})},
        },
        sid("GetCity"): {
            "type": "operation",
            "input": {"target": sid("GetCityInput")}, "output": {"target": sid("GetCityOutput")},
            "errors": [{"target": sid("NoSuchCity")}],
            "traits": {"smithy.api#http": {"method": "GET", "uri": "/cities/{cityId}", "code": 200},
                       "smithy.api#documentation": "Describes a city."},
        },
        sid("GetCityInput"): {
            "type": "structure", "traits": {"smithy.api#input": {}},
            "members": {
                "cityId": {"target": sid("CityId"), "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}},
                "units": {"target": sid("Units"), "traits": {"smithy.api#httpQuery": "u"}},
                "verbose": {"target": "smithy.api#Boolean", "traits": {"smithy.api#httpHeader": "X-Verbose"}},
                "count": {"target": "smithy.api#Integer", "traits": {"smithy.api#range": {"min": 1, "max": 10}}},
            },
        },
        sid("GetCityOutput"): {
            "type": "structure", "traits": {"smithy.api#output": {}},
            "members": {
                "name": {"target": "smithy.api#String", "traits": {"smithy.api#jsonName": "cityName"}},
                "population": {"target": "smithy.api#Long", "traits": {"smithy.api#default": 0}},
                "founded": {"target": "smithy.api#Timestamp",
                            "traits": {"smithy.api#timestampFormat": "date-time"}},
                "tags": {"target": sid("TagList")},
                "coords": {"target": sid("Coords")},
                "requestId": {"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": "x-request-id"}},
            },
        },
        sid("CityId"): {"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 32}}},
        sid("Units"): {"type": "enum", "members": {
            "METRIC": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "metric"}},
            "IMPERIAL": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "imperial"}}}},
        sid("TagList"): {"type": "list", "member": {"target": "smithy.api#String"}},
        sid("Coords"): {"type": "structure", "members": {
            "lat": {"target": "smithy.api#Double", "traits": {"smithy.api#required": {}}},
            "lon": {"target": "smithy.api#Double"}}},
        sid("NoSuchCity"): {"type": "structure",
                            "traits": {"smithy.api#error": "client", "smithy.api#httpError": 404},
                            "members": {"message": {"target": "smithy.api#String"}}},
    }
    shapes.update(extra_shapes or {})
    return {"smithy": "2.0", "shapes": shapes}
