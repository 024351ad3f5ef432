/*
 * Body decoding speed for bench/run: `serde N` builds a DescribeAlarms-sized
 * response (CloudWatch: 100 alarms of 21 members each, with dimension and
 * action lists and timestamps), writes it once as awsJson1_0 JSON and once as
 * rpcv2Cbor CBOR with the runtime's writers, then reads each N times into the
 * same descriptors, interleaved, and prints the best MB/s and microseconds per
 * response of each (issue 15's target: CBOR at least as fast as JSON).
 */
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "serde/cbor/cbor.h"
#include "serde/json/json.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct str_list {
    const char **items;
    size_t count;
} str_list;

typedef struct dimension {
    const char *name, *value;
} dimension;

typedef struct dim_list {
    dimension *items;
    size_t count;
} dim_list;

typedef struct alarm {
    const char *alarm_name, *alarm_arn, *alarm_description;
    awsc_timestamp updated;
    bool has_updated;
    bool actions_enabled, has_actions_enabled;
    str_list ok_actions, alarm_actions, insufficient_data_actions;
    const char *state_value, *state_reason, *state_reason_data;
    awsc_timestamp state_updated;
    bool has_state_updated;
    const char *metric_name, *namespace_, *statistic;
    dim_list dimensions;
    int32_t period, evaluation_periods;
    bool has_period, has_evaluation_periods;
    double threshold;
    bool has_threshold;
    const char *comparison_operator, *treat_missing_data;
} alarm;

typedef struct alarm_list {
    alarm *items;
    size_t count;
} alarm_list;

typedef struct output {
    alarm_list metric_alarms;
    const char *next_token;
} output;

#define NOHAS .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY
#define HAS(C, f) .has_offset = offsetof(C, f), .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY
#define STR(C, nm, f) {.name = nm, .wire_name = nm, .offset = offsetof(C, f), .type = AWSC_T_STRING, NOHAS}
#define SHAPE(var, nm, T, sz, mem)                                                                                \
    static const awsc_shape var = {.name = nm, .type = T, .size = sz, .members = mem,                           \
                                   .member_count = sizeof mem / sizeof mem[0]}

static const awsc_member str_elem[] = {{.name = "member", .wire_name = "member", .type = AWSC_T_STRING, NOHAS}};
SHAPE(str_list_shape, "ResourceList", AWSC_T_LIST, sizeof(const char *), str_elem);
static const awsc_member dim_members[] = {STR(dimension, "Name", name), STR(dimension, "Value", value)};
SHAPE(dim_shape, "Dimension", AWSC_T_STRUCT, sizeof(dimension), dim_members);
static const awsc_member dim_elem[] = {
    {.name = "member", .wire_name = "member", .type = AWSC_T_STRUCT, .flags = AWSC_F_INLINE, .shape = &dim_shape,
     NOHAS}};
SHAPE(dim_list_shape, "Dimensions", AWSC_T_LIST, sizeof(dimension), dim_elem);

#define LIST(nm, f, s) {.name = nm, .wire_name = nm, .offset = offsetof(alarm, f), .type = AWSC_T_LIST, .shape = s, NOHAS}
static const awsc_member alarm_members[] = {
    STR(alarm, "AlarmName", alarm_name),
    STR(alarm, "AlarmArn", alarm_arn),
    STR(alarm, "AlarmDescription", alarm_description),
    {.name = "AlarmConfigurationUpdatedTimestamp", .wire_name = "AlarmConfigurationUpdatedTimestamp",
     .offset = offsetof(alarm, updated), .type = AWSC_T_TIMESTAMP, HAS(alarm, has_updated)},
    {.name = "ActionsEnabled", .wire_name = "ActionsEnabled", .offset = offsetof(alarm, actions_enabled),
     .type = AWSC_T_BOOL, HAS(alarm, has_actions_enabled)},
    LIST("OKActions", ok_actions, &str_list_shape),
    LIST("AlarmActions", alarm_actions, &str_list_shape),
    LIST("InsufficientDataActions", insufficient_data_actions, &str_list_shape),
    STR(alarm, "StateValue", state_value),
    STR(alarm, "StateReason", state_reason),
    STR(alarm, "StateReasonData", state_reason_data),
    {.name = "StateUpdatedTimestamp", .wire_name = "StateUpdatedTimestamp", .offset = offsetof(alarm, state_updated),
     .type = AWSC_T_TIMESTAMP, HAS(alarm, has_state_updated)},
    STR(alarm, "MetricName", metric_name),
    STR(alarm, "Namespace", namespace_),
    STR(alarm, "Statistic", statistic),
    LIST("Dimensions", dimensions, &dim_list_shape),
    {.name = "Period", .wire_name = "Period", .offset = offsetof(alarm, period), .type = AWSC_T_INT,
     HAS(alarm, has_period)},
    {.name = "EvaluationPeriods", .wire_name = "EvaluationPeriods", .offset = offsetof(alarm, evaluation_periods),
     .type = AWSC_T_INT, HAS(alarm, has_evaluation_periods)},
    {.name = "Threshold", .wire_name = "Threshold", .offset = offsetof(alarm, threshold), .type = AWSC_T_DOUBLE,
     HAS(alarm, has_threshold)},
    STR(alarm, "ComparisonOperator", comparison_operator),
    STR(alarm, "TreatMissingData", treat_missing_data),
};
SHAPE(alarm_shape, "MetricAlarm", AWSC_T_STRUCT, sizeof(alarm), alarm_members);
static const awsc_member alarm_elem[] = {
    {.name = "member", .wire_name = "member", .type = AWSC_T_STRUCT, .flags = AWSC_F_INLINE, .shape = &alarm_shape,
     NOHAS}};
SHAPE(alarm_list_shape, "MetricAlarms", AWSC_T_LIST, sizeof(alarm), alarm_elem);
static const awsc_member output_members[] = {
    {.name = "MetricAlarms", .wire_name = "MetricAlarms", .offset = offsetof(output, metric_alarms),
     .type = AWSC_T_LIST, .shape = &alarm_list_shape, NOHAS},
    STR(output, "NextToken", next_token),
};
SHAPE(output_shape, "DescribeAlarmsOutput", AWSC_T_STRUCT, sizeof(output), output_members);

#define ALARMS 100

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char text[ALARMS][8][96];

static void build(output *out, alarm *alarms, dimension (*dims)[3], const char *(*actions)[2])
{
    for (int i = 0; i < ALARMS; i++) {
        alarm *a = &alarms[i];
        snprintf(text[i][0], sizeof text[i][0], "api-latency-p99-high-%03d", i);
        snprintf(text[i][1], sizeof text[i][1], "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api-latency-%03d", i);
        snprintf(text[i][2], sizeof text[i][2], "p99 latency of the %03d endpoint above its threshold", i);
        snprintf(text[i][3], sizeof text[i][3], "arn:aws:sns:eu-west-1:123456789012:oncall-%d", i % 7);
        snprintf(text[i][4], sizeof text[i][4], "Threshold Crossed: 1 datapoint [%d.5] was greater", 200 + i);
        snprintf(text[i][5], sizeof text[i][5], "{\"version\":\"1.0\",\"queryDate\":\"2026-01-01\",\"n\":%d}", i);
        snprintf(text[i][6], sizeof text[i][6], "endpoint-%03d", i);
        snprintf(text[i][7], sizeof text[i][7], "i-0%015d", i * 7919);
        actions[i][0] = text[i][3];
        actions[i][1] = "arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:scale-out";
        dims[i][0] = (dimension){"ApiName", "orders"};
        dims[i][1] = (dimension){"Endpoint", text[i][6]};
        dims[i][2] = (dimension){"InstanceId", text[i][7]};
        *a = (alarm){.alarm_name = text[i][0], .alarm_arn = text[i][1], .alarm_description = text[i][2],
                     .updated = {1767225600 + i, 123000000}, .has_updated = true,
                     .actions_enabled = true, .has_actions_enabled = true,
                     .ok_actions = {actions[i], 1}, .alarm_actions = {actions[i], 2},
                     .insufficient_data_actions = {actions[i], 0},
                     .state_value = i % 3 ? "OK" : "ALARM", .state_reason = text[i][4],
                     .state_reason_data = text[i][5], .state_updated = {1767229200 + i, 0},
                     .has_state_updated = true, .metric_name = "Latency", .namespace_ = "AWS/ApiGateway",
                     .statistic = "Maximum", .dimensions = {dims[i], 3}, .period = 60, .has_period = true,
                     .evaluation_periods = 5, .has_evaluation_periods = true, .threshold = 250.5 + i,
                     .has_threshold = true, .comparison_operator = "GreaterThanThreshold",
                     .treat_missing_data = "notBreaching"};
    }
    *out = (output){.metric_alarms = {alarms, ALARMS}, .next_token = "eyJuZXh0IjoiYWxhcm0tMTAwIn0="};
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return fprintf(stderr, "usage: serde N\n"), 2;
    long rounds = atol(argv[1]);
    static alarm alarms[ALARMS];
    static dimension dims[ALARMS][3];
    static const char *actions[ALARMS][2];
    output out;
    build(&out, alarms, dims, actions);
    awsc_buf json = AWSC_BUF_INIT, cbor = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    if (rounds < 1 || awsc_json_write(&json, &output_shape, &out, AWSC_JSON_WIRE, false, &err) != AWSC_OK ||
        awsc_cbor_write(&cbor, &output_shape, &out, false, NULL, &err) != AWSC_OK)
        return fprintf(stderr, "serde: cannot write the response: %s\n", err.message ? err.message : "bad N"), 1;
    awsc_arena *arena = awsc_arena_create();
    double best_json = 1e9, best_cbor = 1e9;
    const int per_round = 20;
    for (long r = 0; r <= rounds; r++) { /* round 0: untimed warm-up */
        double t0 = seconds();
        for (int k = 0; k < per_round; k++) {
            awsc_arena_reset(arena);
            output o = {0};
            if (awsc_json_read(&output_shape, &o, json.data, json.len, arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE,
                               &err) != AWSC_OK || o.metric_alarms.count != ALARMS)
                return fprintf(stderr, "serde: JSON read failed: %s\n", err.message), 1;
        }
        double t1 = seconds();
        for (int k = 0; k < per_round; k++) {
            awsc_arena_reset(arena);
            output o = {0};
            if (awsc_cbor_read(&output_shape, &o, (const uint8_t *)cbor.data, cbor.len, arena, AWSC_E_RESPONSE,
                               &err) != AWSC_OK || o.metric_alarms.count != ALARMS)
                return fprintf(stderr, "serde: CBOR read failed: %s\n", err.message), 1;
        }
        double t2 = seconds();
        if (r == 0)
            continue;
        best_json = (t1 - t0) / per_round < best_json ? (t1 - t0) / per_round : best_json;
        best_cbor = (t2 - t1) / per_round < best_cbor ? (t2 - t1) / per_round : best_cbor;
    }
    printf("{\"alarms\": %d, \"json_bytes\": %zu, \"cbor_bytes\": %zu, \"json_decode_us\": %.1f, "
           "\"cbor_decode_us\": %.1f, \"json_decode_mbs\": %.1f, \"cbor_decode_mbs\": %.1f}\n",
           ALARMS, json.len, cbor.len, best_json * 1e6, best_cbor * 1e6, json.len / best_json / 1e6,
           cbor.len / best_cbor / 1e6);
    awsc_arena_destroy(arena);
    awsc_buf_free(&json);
    awsc_buf_free(&cbor);
    return 0;
}
