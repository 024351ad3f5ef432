/*
 * libawsc-transfer: multipart uploads and parallel ranged downloads on the
 * generated S3 client's asynchronous calls (see awsc/transfer.h).
 *
 * Both directions keep a ring of `max_in_flight` slots, each owning one part's
 * buffer: memory is bounded by max_in_flight x part_size whatever the object's
 * size. An upload reads the source into a free slot, checksums it and starts
 * its UploadPart; a download starts range i in slot i % n only when range
 * i - n has been committed, and commits ranges in order (checksums need the
 * bytes in order; a pipe needs them in order too), while a file receives each
 * range with pwrite as soon as it arrives.
 */
#include "awsc/transfer.h"
#include "awsc/checksums.h"
#include "awsc/s3.h"

#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB ((size_t)1024 * 1024)
#define DEFAULT_PART_SIZE (8 * MIB)
#define MAX_PART_SIZE ((size_t)5 * 1024 * MIB)
#define MAX_PARTS 10000
#define DEFAULT_IN_FLIGHT 8
#define MAX_IN_FLIGHT 64
#define RUN_SLICE_MS 5 /* how long one awsc_client_run waits before the ring is looked at again */

enum { A_CRC32, A_CRC32C, A_CRC64NVME, A_SHA1, A_SHA256, A_COUNT };
static const char *const alg_names[A_COUNT] = {"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"};
static const awsc_s3_checksum_algorithm alg_enums[A_COUNT] = {
    AWSC_S3_CHECKSUM_ALGORITHM_CRC32, AWSC_S3_CHECKSUM_ALGORITHM_CRC32_C, AWSC_S3_CHECKSUM_ALGORITHM_CRC64_NVME,
    AWSC_S3_CHECKSUM_ALGORITHM_SHA1, AWSC_S3_CHECKSUM_ALGORITHM_SHA256};
/* The order a response's checksums are looked at, as the SDKs and libawsc-checksums do. */
static const int alg_priority[A_COUNT] = {A_SHA256, A_SHA1, A_CRC32, A_CRC32C, A_CRC64NVME};

/* The member of an S3 request or output structure holding algorithm `a`'s checksum. */
#define CHECKSUM_MEMBER(s, a)                                                                                       \
    ((a) == A_CRC32     ? &(s)->checksum_crc32                                                                      \
     : (a) == A_CRC32C  ? &(s)->checksum_crc32_c                                                                    \
     : (a) == A_CRC64NVME ? &(s)->checksum_crc64_nvme                                                               \
     : (a) == A_SHA1    ? &(s)->checksum_sha1                                                                       \
                        : &(s)->checksum_sha256)

enum { S_FREE, S_BUSY, S_DONE };

typedef struct transfer transfer;

typedef struct slot {
    transfer *t;
    int state;
    int32_t number;  /* the part's number (upload) or the range's index (download) */
    int64_t offset;
    uint8_t *buf;
    size_t len, pos; /* bytes in buf, the read position of the upload stream */
    char checksum[48];
    uint8_t raw[32];
    size_t raw_len;
    awsc_s3_upload_part_request up; /* lives as long as the call: the client reads its body stream */
    awsc_s3_get_object_output *got;
} slot;

typedef struct part_record {
    awsc_transfer_part p;
    uint8_t raw[32];
    size_t raw_len;
    bool done;
} part_record;

struct transfer {
    awsc_s3_client *client;
    const char *bucket, *key;
    const awsc_transfer_options *o;
    size_t part_size;
    int64_t threshold;
    int n;   /* slots */
    int alg; /* upload checksum */
    slot *slots;
    int busy;
    int status; /* the first failure */
    awsc_error err;
    int64_t done, total;
    /* upload */
    char *upload_id;
    part_record *parts;
    size_t parts_cap;
    int32_t part_count;
    awsc_checksum *cs;
    /* download */
    int fd;
    bool to_file;
    const char *path; /* for messages */
    int32_t next_commit;
    int64_t committed;
    awsc_checksum *whole, *part_cs, *composite;
    int64_t part_len, part_left;
};

/* ---- errors ---- */

static int fail(transfer *t, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(transfer *t, int status, const char *fmt, ...)
{
    if (t->status)
        return t->status;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    t->status = awsc_error_set(&t->err, (awsc_status)status, "%s", msg);
    return t->status;
}

/* Keeps a failed call's error (valid only during its callback), its message prefixed with what was being done. */
static int fail_from(transfer *t, int status, const awsc_error *e, const char *what)
{
    if (t->status)
        return t->status;
    awsc_error_set(&t->err, (awsc_status)status, "%s: %s", what, e && e->message ? e->message : "failed");
    if (e) {
        t->err.attempts = e->attempts;
        t->err.retry_delay_ms = e->retry_delay_ms;
        t->err.http_status = e->http_status;
        t->err.code = awsc_strdup(e->code);
        t->err.request_id = awsc_strdup(e->request_id);
        t->err.extended_request_id = awsc_strdup(e->extended_request_id);
        t->err.type = awsc_strdup(e->type);
        t->err.cf_id = awsc_strdup(e->cf_id);
    }
    t->status = status ? status : AWSC_E_INTERNAL;
    return t->status;
}

static int nomem(transfer *t)
{
    return fail(t, AWSC_E_NOMEM, "out of memory");
}

/* ---- setup ---- */

static int alg_index(const char *name)
{
    for (int i = 0; i < A_COUNT; i++)
        if (strcasecmp(name, alg_names[i]) == 0)
            return i;
    return -1;
}

static int setup(transfer *t, awsc_s3_client *client, const char *bucket, const char *key,
                 const awsc_transfer_options *o, awsc_error *err)
{
    static const awsc_transfer_options defaults = AWSC_TRANSFER_OPTIONS_INIT;
    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (!client || !bucket || !*bucket || !key || !*key)
        return awsc_error_set(err, AWSC_E_VALIDATION, "transfer: a client, a bucket and a key are needed");
    t->client = client;
    t->bucket = bucket;
    t->key = key;
    t->o = o ? o : &defaults;
    t->part_size = t->o->part_size ? t->o->part_size : DEFAULT_PART_SIZE;
    if (t->part_size > MAX_PART_SIZE)
        return awsc_error_set(err, AWSC_E_VALIDATION, "transfer: part_size %zu is above S3's 5 GiB", t->part_size);
    t->threshold = t->o->multipart_threshold > 0 ? t->o->multipart_threshold : (int64_t)t->part_size;
    t->n = t->o->max_in_flight > 0 ? t->o->max_in_flight : DEFAULT_IN_FLIGHT;
    if (t->n > MAX_IN_FLIGHT)
        t->n = MAX_IN_FLIGHT;
    t->alg = t->o->checksum_algorithm ? alg_index(t->o->checksum_algorithm) : A_CRC32;
    if (t->alg < 0)
        return awsc_error_set(err, AWSC_E_VALIDATION,
                              "transfer: checksum algorithm '%s' is not one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256",
                              t->o->checksum_algorithm);
    if (!(t->slots = calloc((size_t)t->n, sizeof *t->slots)))
        return awsc_error_nomem(err);
    for (int i = 0; i < t->n; i++)
        t->slots[i].t = t;
    return AWSC_OK;
}

static void teardown(transfer *t)
{
    for (int i = 0; t->slots && i < t->n; i++) {
        free(t->slots[i].buf);
        awsc_s3_get_object_output_free(t->slots[i].got);
    }
    free(t->slots);
    for (size_t i = 0; i < t->parts_cap; i++) {
        free(t->parts[i].p.etag);
        free(t->parts[i].p.checksum);
    }
    free(t->parts);
    free(t->upload_id);
    awsc_checksum_free(t->cs);
    awsc_checksum_free(t->whole);
    awsc_checksum_free(t->part_cs);
    awsc_checksum_free(t->composite);
    awsc_error_clear(&t->err);
}

/* Ends the call: the first failure goes to `err`, the transfer's memory is freed. */
static int finish(transfer *t, awsc_error *err)
{
    int rc = t->status;
    if (rc) {
        awsc_error *e = awsc_error_target(err);
        awsc_error_clear(e);
        *e = t->err;
        t->err = (awsc_error)AWSC_ERROR_INIT;
    } else {
        awsc_error_ok(err);
    }
    teardown(t);
    return rc;
}

static void progress(transfer *t)
{
    if (t->o->progress)
        t->o->progress(t->o->progress_user, t->done, t->total);
}

/* Drives the client a little; the completions land in the slots. */
static void drive(transfer *t)
{
    if (awsc_s3_client_run(t->client, RUN_SLICE_MS) < 0)
        fail(t, AWSC_E_TRANSPORT, "the client's transfers failed (curl_multi)");
}

/* Lets the calls still in flight end (each has the client's request timeout). */
static void drain(transfer *t)
{
    while (t->busy > 0 && awsc_s3_client_run(t->client, 1000) >= 0) {
    }
}

static slot *free_slot(transfer *t)
{
    for (int i = 0; i < t->n; i++)
        if (t->slots[i].state == S_FREE)
            return &t->slots[i];
    return NULL;
}

static int slot_buffer(transfer *t, slot *s, size_t size)
{
    if (!s->buf && !(s->buf = malloc(size ? size : 1)))
        return nomem(t);
    return AWSC_OK;
}

/* ---- upload ---- */

typedef struct source {
    awsc_transfer_read_fn read;
    void *user;
    int64_t size; /* -1: unknown */
    int64_t consumed;
    bool eof;
} source;

/* Reads up to `want` bytes (fewer only at the end of the source). */
static int read_full(transfer *t, source *src, uint8_t *buf, size_t want, size_t *got)
{
    *got = 0;
    if (src->size >= 0 && (int64_t)want > src->size - src->consumed)
        want = (size_t)(src->size - src->consumed);
    while (*got < want) {
        long n = src->read(src->user, buf + *got, want - *got);
        if (n < 0)
            return fail(t, AWSC_E_VALIDATION, "reading the upload's source failed after %lld bytes",
                        (long long)(src->consumed + (int64_t)*got));
        if ((size_t)n > want - *got)
            return fail(t, AWSC_E_VALIDATION, "the upload's read callback returned more bytes than asked");
        if (n == 0) {
            if (src->size >= 0)
                return fail(t, AWSC_E_VALIDATION, "the upload's source ended after %lld of its %lld bytes",
                            (long long)(src->consumed + (int64_t)*got), (long long)src->size);
            src->eof = true;
            break;
        }
        *got += (size_t)n;
    }
    src->consumed += (int64_t)*got;
    if (src->size >= 0 && src->consumed == src->size)
        src->eof = true;
    return AWSC_OK;
}

static long slot_read(void *user, uint8_t *buf, size_t cap)
{
    slot *s = user;
    size_t n = s->len - s->pos < cap ? s->len - s->pos : cap;
    memcpy(buf, s->buf + s->pos, n);
    s->pos += n;
    return (long)n;
}

static int slot_rewind(void *user)
{
    ((slot *)user)->pos = 0;
    return 0;
}

static void checksum_slot(transfer *t, slot *s)
{
    awsc_checksum_update(t->cs, s->buf, s->len);
    s->raw_len = awsc_checksum_final(t->cs, s->raw, s->checksum);
}

static part_record *part_at(transfer *t, int32_t number)
{
    if ((size_t)number > t->parts_cap) {
        size_t cap = t->parts_cap ? t->parts_cap : 64;
        while (cap < (size_t)number)
            cap *= 2;
        part_record *p = realloc(t->parts, cap * sizeof *p);
        if (!p)
            return NULL;
        memset(p + t->parts_cap, 0, (cap - t->parts_cap) * sizeof *p);
        t->parts = p;
        t->parts_cap = cap;
    }
    return &t->parts[number - 1];
}

static int record_part(transfer *t, const slot *s, const char *etag)
{
    part_record *r = part_at(t, s->number);
    if (!r || !(r->p.etag = awsc_strdup(etag)) || !(r->p.checksum = awsc_strdup(s->checksum)))
        return nomem(t);
    r->p.number = s->number;
    r->p.size = (int64_t)s->len;
    memcpy(r->raw, s->raw, s->raw_len);
    r->raw_len = s->raw_len;
    r->done = true;
    if (s->number > t->part_count)
        t->part_count = s->number;
    t->done += (int64_t)s->len;
    progress(t);
    return AWSC_OK;
}

static void part_done(void *user, int status, awsc_s3_upload_part_output *out, const awsc_error *err)
{
    slot *s = user;
    transfer *t = s->t;
    s->state = S_FREE;
    t->busy--;
    char what[48];
    snprintf(what, sizeof what, "UploadPart %d", (int)s->number);
    if (status)
        fail_from(t, status, err, what);
    else if (!out->e_tag)
        fail(t, AWSC_E_RESPONSE, "%s: the response has no ETag", what);
    else
        record_part(t, s, out->e_tag);
    awsc_s3_upload_part_output_free(out);
}

/* A part of the upload being resumed: the source's bytes must be the ones sent then. */
static const awsc_transfer_part *resumed_part(transfer *t, int32_t number)
{
    for (size_t i = 0; i < t->o->resume_part_count; i++)
        if (t->o->resume_parts[i].number == number)
            return &t->o->resume_parts[i];
    return NULL;
}

static int start_part(transfer *t, slot *s)
{
    const awsc_transfer_part *old = t->o->resume_upload_id ? resumed_part(t, s->number) : NULL;
    if (old) {
        if (old->size != (int64_t)s->len || (old->checksum && strcmp(old->checksum, s->checksum) != 0) ||
            !old->etag)
            return fail(t, AWSC_E_VALIDATION,
                        "part %d of upload %s does not match the source (size, checksum or ETag): "
                        "the source changed, or the part size differs",
                        (int)s->number, t->o->resume_upload_id);
        return record_part(t, s, old->etag);
    }
    memset(&s->up, 0, sizeof s->up);
    s->up.bucket = t->bucket;
    s->up.key = t->key;
    s->up.upload_id = t->upload_id;
    s->up.part_number = s->number;
    s->up.checksum_algorithm = alg_enums[t->alg];
    *CHECKSUM_MEMBER(&s->up, t->alg) = s->checksum;
    s->pos = 0;
    s->up.body = (awsc_stream){.read = slot_read, .rewind = slot_rewind, .user = s, .length = (int64_t)s->len};
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_s3_upload_part_async(t->client, &s->up, part_done, s, &e);
    if (rc) {
        char what[48];
        snprintf(what, sizeof what, "UploadPart %d", (int)s->number);
        fail_from(t, rc, &e, what);
        awsc_error_clear(&e);
        return rc;
    }
    s->state = S_BUSY;
    t->busy++;
    return AWSC_OK;
}

static int put_single(transfer *t, slot *s, awsc_transfer_result *res)
{
    checksum_slot(t, s);
    awsc_s3_put_object_request in = {0};
    in.bucket = t->bucket;
    in.key = t->key;
    in.content_type = t->o->content_type;
    in.checksum_algorithm = alg_enums[t->alg];
    *CHECKSUM_MEMBER(&in, t->alg) = s->checksum;
    s->pos = 0;
    in.body = (awsc_stream){.read = slot_read, .rewind = slot_rewind, .user = s, .length = (int64_t)s->len};
    awsc_s3_put_object_output *out = NULL;
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_s3_put_object(t->client, &in, &out, &e);
    if (rc) {
        fail_from(t, rc, &e, "PutObject");
        awsc_error_clear(&e);
        return rc;
    }
    t->done = (int64_t)s->len;
    progress(t);
    if (res) {
        res->bytes = (int64_t)s->len;
        res->etag = awsc_strdup(out->e_tag);
        res->checksum_algorithm = awsc_strdup(alg_names[t->alg]);
        res->checksum = awsc_strdup(s->checksum);
        if ((out->e_tag && !res->etag) || !res->checksum_algorithm || !res->checksum)
            nomem(t);
    }
    awsc_s3_put_object_output_free(out);
    return t->status;
}

static int complete(transfer *t, awsc_transfer_result *res)
{
    int32_t n = t->part_count;
    awsc_s3_completed_part *items = calloc((size_t)n, sizeof *items);
    awsc_checksum *composite = awsc_checksum_new(alg_names[t->alg]);
    if (!items || !composite) {
        free(items);
        awsc_checksum_free(composite);
        return nomem(t);
    }
    for (int32_t i = 0; i < n; i++) {
        part_record *r = &t->parts[i];
        if (!r->done) {
            free(items);
            awsc_checksum_free(composite);
            return fail(t, AWSC_E_INTERNAL, "part %d of %d was never uploaded", (int)i + 1, (int)n);
        }
        items[i].part_number = r->p.number;
        items[i].has_part_number = true;
        items[i].e_tag = r->p.etag;
        *CHECKSUM_MEMBER(&items[i], t->alg) = r->p.checksum;
        awsc_checksum_update(composite, r->raw, r->raw_len);
    }
    uint8_t raw[32];
    char ours[64];
    awsc_checksum_final(composite, raw, ours);
    awsc_checksum_free(composite);
    snprintf(ours + strlen(ours), sizeof ours - strlen(ours), "-%d", (int)n);

    awsc_s3_completed_multipart_upload mpu = {.parts = {items, (size_t)n}};
    awsc_s3_complete_multipart_upload_request in = {0};
    in.bucket = t->bucket;
    in.key = t->key;
    in.upload_id = t->upload_id;
    in.multipart_upload = &mpu;
    awsc_s3_complete_multipart_upload_output *out = NULL;
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_s3_complete_multipart_upload(t->client, &in, &out, &e);
    free(items);
    if (rc) {
        fail_from(t, rc, &e, "CompleteMultipartUpload");
        awsc_error_clear(&e);
        return rc;
    }
    /* S3's composite checksum is the checksum of the parts' checksums: it must be ours. */
    const char *theirs = *CHECKSUM_MEMBER(out, t->alg);
    if (theirs && strchr(theirs, '-') && strcmp(theirs, ours) != 0)
        fail(t, AWSC_E_RESPONSE, "CompleteMultipartUpload: the object's %s checksum is %s, the parts' is %s",
             alg_names[t->alg], theirs, ours);
    else if (res) {
        res->bytes = t->done;
        res->part_count = n;
        res->etag = awsc_strdup(out->e_tag);
        res->checksum_algorithm = awsc_strdup(alg_names[t->alg]);
        res->checksum = awsc_strdup(ours);
        if ((out->e_tag && !res->etag) || !res->checksum_algorithm || !res->checksum)
            nomem(t);
    }
    awsc_s3_complete_multipart_upload_output_free(out);
    return t->status;
}

static void abort_upload(transfer *t)
{
    awsc_s3_abort_multipart_upload_request in = {0};
    in.bucket = t->bucket;
    in.key = t->key;
    in.upload_id = t->upload_id;
    awsc_s3_abort_multipart_upload_output *out = NULL;
    awsc_error e = AWSC_ERROR_INIT;
    if (awsc_s3_abort_multipart_upload(t->client, &in, &out, &e) == AWSC_OK) {
        awsc_s3_abort_multipart_upload_output_free(out);
        return;
    }
    /* The first failure stays the error; that the upload is left behind is added to its message. */
    char *old = t->err.message;
    size_t len = strlen(old ? old : "") + strlen(t->upload_id) + strlen(e.message ? e.message : "") + 64;
    char *msg = malloc(len);
    if (msg) {
        snprintf(msg, len, "%s (and AbortMultipartUpload %s failed: %s)", old ? old : "", t->upload_id,
                 e.message ? e.message : "");
        free(old);
        t->err.message = msg;
    }
    awsc_error_clear(&e);
}

/* A failed upload kept for a resume: its id and finished parts go to the result. */
static void keep_for_resume(transfer *t, awsc_transfer_result *res)
{
    if (!res || !t->upload_id)
        return;
    size_t count = 0;
    for (int32_t i = 0; i < t->part_count; i++)
        count += t->parts[i].done;
    res->upload_id = awsc_strdup(t->upload_id);
    res->parts = count ? calloc(count, sizeof *res->parts) : NULL;
    for (int32_t i = 0, k = 0; res->parts && i < t->part_count; i++)
        if (t->parts[i].done) {
            res->parts[k] = t->parts[i].p; /* moved */
            t->parts[i].p.etag = t->parts[i].p.checksum = NULL;
            k++;
        }
    res->finished_part_count = res->parts ? count : 0;
}

static int upload(transfer *t, source *src, awsc_transfer_result *res)
{
    if (!(t->cs = awsc_checksum_new(alg_names[t->alg])))
        return nomem(t);
    t->total = src->size;
    if (src->size >= 0 && (src->size + (int64_t)t->part_size - 1) / (int64_t)t->part_size > MAX_PARTS) {
        /* S3 takes at most 10000 parts: larger parts, in whole MiB, as the SDKs do. */
        int64_t need = (src->size + MAX_PARTS - 1) / MAX_PARTS;
        t->part_size = (size_t)((need + (int64_t)MIB - 1) / (int64_t)MIB) * MIB;
        if (t->part_size > MAX_PART_SIZE)
            return fail(t, AWSC_E_VALIDATION, "%lld bytes do not fit in 10000 parts of 5 GiB",
                        (long long)src->size);
    }
    bool resuming = t->o->resume_upload_id != NULL;
    slot *first = &t->slots[0];
    bool first_read = false;
    if (!resuming && src->size >= 0 && src->size < t->threshold) {
        if (slot_buffer(t, first, (size_t)src->size) || read_full(t, src, first->buf, (size_t)src->size, &first->len))
            return t->status;
        return put_single(t, first, res);
    }
    if (slot_buffer(t, first, t->part_size) || read_full(t, src, first->buf, t->part_size, &first->len))
        return t->status;
    first_read = true;
    if (!resuming && src->eof && (int64_t)first->len < t->threshold)
        return put_single(t, first, res);

    if (resuming) {
        if (!(t->upload_id = awsc_strdup(t->o->resume_upload_id)))
            return nomem(t);
    } else {
        awsc_s3_create_multipart_upload_request in = {0};
        in.bucket = t->bucket;
        in.key = t->key;
        in.content_type = t->o->content_type;
        in.checksum_algorithm = alg_enums[t->alg];
        awsc_s3_create_multipart_upload_output *out = NULL;
        awsc_error e = AWSC_ERROR_INIT;
        int rc = awsc_s3_create_multipart_upload(t->client, &in, &out, &e);
        if (rc) {
            fail_from(t, rc, &e, "CreateMultipartUpload");
            awsc_error_clear(&e);
            return rc;
        }
        if (!out->upload_id)
            fail(t, AWSC_E_RESPONSE, "CreateMultipartUpload: the response has no UploadId");
        else if (!(t->upload_id = awsc_strdup(out->upload_id)))
            nomem(t);
        awsc_s3_create_multipart_upload_output_free(out);
        if (t->status)
            return t->status;
    }

    int32_t number = 0;
    bool more = true;
    for (;;) {
        slot *s;
        while (!t->status && more && (s = free_slot(t)) != NULL) {
            if (first_read) {
                s = first;
                first_read = false;
            } else if (src->eof) {
                more = false;
                break;
            } else if (slot_buffer(t, s, t->part_size) || read_full(t, src, s->buf, t->part_size, &s->len)) {
                break;
            }
            if (s->len == 0 && number > 0) { /* a stream that ended on a part boundary */
                more = false;
                break;
            }
            if (++number > MAX_PARTS) {
                fail(t, AWSC_E_VALIDATION, "the stream needs more than 10000 parts of %zu bytes: give a larger part size",
                     t->part_size);
                break;
            }
            s->number = number;
            checksum_slot(t, s);
            start_part(t, s);
        }
        if (t->busy == 0 && (t->status || !more))
            break;
        if (t->busy)
            drive(t);
    }
    drain(t);
    if (t->busy)
        fail(t, AWSC_E_TRANSPORT, "calls were still in flight after the upload failed");
    if (!t->status)
        return complete(t, res);
    if (t->o->keep_upload_on_failure)
        keep_for_resume(t, res);
    else
        abort_upload(t);
    return t->status;
}

typedef struct fd_source {
    int fd;
} fd_source;

static long fd_read(void *user, uint8_t *buf, size_t cap)
{
    int fd = ((fd_source *)user)->fd;
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n >= 0 || errno != EINTR)
            return (long)n;
    }
}

int awsc_transfer_upload_stream(awsc_s3_client *client, const char *bucket, const char *key,
                                awsc_transfer_read_fn read_fn, void *user, int64_t size,
                                const awsc_transfer_options *options, awsc_transfer_result *result, awsc_error *err)
{
    if (result)
        memset(result, 0, sizeof *result);
    transfer t;
    int rc = setup(&t, client, bucket, key, options, err);
    if (rc) {
        teardown(&t);
        return rc;
    }
    if (!read_fn)
        fail(&t, AWSC_E_VALIDATION, "transfer: a read callback is needed");
    source src = {.read = read_fn, .user = user, .size = size < 0 ? -1 : size};
    if (!t.status)
        upload(&t, &src, result);
    return finish(&t, err);
}

int awsc_transfer_upload_file(awsc_s3_client *client, const char *bucket, const char *key, const char *path,
                              const awsc_transfer_options *options, awsc_transfer_result *result, awsc_error *err)
{
    if (result)
        memset(result, 0, sizeof *result);
    if (!path)
        return awsc_error_set(err, AWSC_E_VALIDATION, "transfer: a file path is needed");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return awsc_error_set(err, AWSC_E_VALIDATION, "cannot read %s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return awsc_error_set(err, AWSC_E_VALIDATION, "cannot upload %s: it is a directory", path);
    }
    fd_source fs = {fd};
    int rc = awsc_transfer_upload_stream(client, bucket, key, fd_read, &fs, S_ISREG(st.st_mode) ? st.st_size : -1,
                                         options, result, err);
    close(fd);
    return rc;
}

/* ---- download ---- */

static int write_all(int fd, const uint8_t *p, size_t n, int64_t offset)
{
    while (n) {
        ssize_t w = offset >= 0 ? pwrite(fd, p, n, (off_t)offset) : write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
        if (offset >= 0)
            offset += w;
    }
    return 0;
}

static void range_done(void *user, int status, awsc_s3_get_object_output *out, const awsc_error *err)
{
    slot *s = user;
    transfer *t = s->t;
    t->busy--;
    s->state = S_FREE;
    char what[96];
    snprintf(what, sizeof what, "GetObject bytes %lld-%lld", (long long)s->offset,
             (long long)(s->offset + (int64_t)s->len - 1));
    if (status) {
        fail_from(t, status, err, what);
        return;
    }
    if (out->body.len != s->len) {
        fail(t, AWSC_E_RESPONSE, "%s: %zu bytes arrived, not %zu", what, out->body.len, s->len);
    } else if (t->to_file && write_all(t->fd, out->body.data, out->body.len, s->offset) != 0) {
        fail(t, AWSC_E_VALIDATION, "writing %s: %s", t->path, strerror(errno));
    } else {
        s->got = out;
        s->state = S_DONE;
        return;
    }
    awsc_s3_get_object_output_free(out);
}

static void absorb(transfer *t, const uint8_t *p, size_t n)
{
    if (t->whole)
        awsc_checksum_update(t->whole, p, n);
    while (t->part_cs && n) {
        size_t take = (int64_t)n < t->part_left ? n : (size_t)t->part_left;
        awsc_checksum_update(t->part_cs, p, take);
        p += take;
        n -= take;
        t->part_left -= (int64_t)take;
        t->committed += (int64_t)take;
        if (t->part_left == 0) {
            uint8_t raw[32];
            size_t len = awsc_checksum_final(t->part_cs, raw, NULL);
            awsc_checksum_update(t->composite, raw, len);
            int64_t rest = t->total - t->committed;
            t->part_left = rest < t->part_len ? rest : t->part_len;
        }
    }
}

/* The ranges that arrived, in order: checksummed, and written when the output is a pipe. */
static void commit(transfer *t)
{
    for (;;) {
        slot *s = &t->slots[t->next_commit % t->n];
        if (s->state != S_DONE || s->number != t->next_commit)
            return;
        absorb(t, s->got->body.data, s->got->body.len);
        if (!t->to_file && write_all(t->fd, s->got->body.data, s->got->body.len, -1) != 0)
            fail(t, AWSC_E_VALIDATION, "writing %s: %s", t->path, strerror(errno));
        awsc_s3_get_object_output_free(s->got);
        s->got = NULL;
        s->state = S_FREE;
        t->next_commit++;
        t->done += (int64_t)s->len;
        progress(t);
    }
}

/* N of a multipart value "...-N" (an ETag or a composite checksum), else 0. */
static int32_t multipart_count(const char *v)
{
    const char *dash = v ? strrchr(v, '-') : NULL;
    if (!dash || !dash[1] || strspn(dash + 1, "0123456789\"") != strlen(dash + 1))
        return 0;
    long n = atol(dash + 1);
    return n > 0 && n <= MAX_PARTS ? (int32_t)n : 0;
}

/* A composite checksum's part size: part 1's length (HeadObject partNumber=1), else the one we upload with. */
static int64_t composite_part_size(transfer *t, int64_t size, int32_t parts)
{
    if (parts == 1)
        return size;
    int64_t guess = 0;
    awsc_s3_head_object_request in = {0};
    in.bucket = t->bucket;
    in.key = t->key;
    in.part_number = 1;
    in.has_part_number = true;
    awsc_s3_head_object_output *out = NULL;
    if (awsc_s3_head_object(t->client, &in, &out, NULL) == AWSC_OK && out->has_content_length &&
        out->content_length > 0 && out->content_length < size)
        guess = out->content_length;
    awsc_s3_head_object_output_free(out);
    if (!guess)
        guess = (int64_t)t->part_size;
    /* The layout must account for every byte in exactly `parts` parts. */
    return (int64_t)(parts - 1) * guess < size && size <= (int64_t)parts * guess ? guess : 0;
}

static int download(transfer *t, awsc_transfer_result *res)
{
    awsc_s3_head_object_request hin = {0};
    hin.bucket = t->bucket;
    hin.key = t->key;
    hin.checksum_mode = AWSC_S3_CHECKSUM_MODE_ENABLED;
    awsc_s3_head_object_output *head = NULL;
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_s3_head_object(t->client, &hin, &head, &e);
    if (rc) {
        fail_from(t, rc, &e, "HeadObject");
        awsc_error_clear(&e);
        return rc;
    }
    int64_t size = head->has_content_length ? head->content_length : -1;
    char *etag = awsc_strdup(head->e_tag);
    int alg = -1;
    const char *value = NULL;
    for (int i = 0; i < A_COUNT && alg < 0; i++)
        if ((value = *CHECKSUM_MEMBER(head, alg_priority[i])) != NULL)
            alg = alg_priority[i];
    if (res) {
        res->etag = etag ? awsc_strdup(etag) : NULL;
        res->checksum_algorithm = alg >= 0 ? awsc_strdup(alg_names[alg]) : NULL;
        res->checksum = value ? awsc_strdup(value) : NULL;
    }
    /*
     * What the checksum covers: the whole object, or (a multipart upload's composite
     * checksum, "<base64>-N") the checksums of its parts. Some servers leave the "-N" out
     * of HeadObject (moto); then a multipart ETag ("...-N") without a FULL_OBJECT type
     * leaves both possible, and both are computed.
     */
    char expected[64] = "";
    int32_t parts = 0;
    bool maybe_whole = false;
    if (value) {
        snprintf(expected, sizeof expected, "%s", value);
        parts = multipart_count(value);
        maybe_whole = !parts;
        if (!parts && head->checksum_type != AWSC_S3_CHECKSUM_TYPE_FULL_OBJECT && (parts = multipart_count(etag)) > 0)
            maybe_whole = head->checksum_type != AWSC_S3_CHECKSUM_TYPE_COMPOSITE;
        char *dash = strrchr(expected, '-');
        if (dash && multipart_count(expected))
            *dash = '\0'; /* compared without its count, which is checked apart */
    }
    awsc_s3_head_object_output_free(head);
    if (size < 0) {
        free(etag);
        return fail(t, AWSC_E_RESPONSE, "HeadObject: the response has no Content-Length");
    }
    t->total = size;
    if (alg >= 0 && maybe_whole && !(t->whole = awsc_checksum_new(alg_names[alg])))
        nomem(t);
    if (alg >= 0 && parts && (t->part_len = composite_part_size(t, size, parts)) > 0) {
        t->part_left = size < t->part_len ? size : t->part_len;
        if (!(t->part_cs = awsc_checksum_new(alg_names[alg])) || !(t->composite = awsc_checksum_new(alg_names[alg])))
            nomem(t);
    }
    progress(t);

    int64_t count = size ? (size + (int64_t)t->part_size - 1) / (int64_t)t->part_size : 0;
    int64_t next = 0;
    for (;;) {
        while (!t->status && next < count) {
            slot *s = &t->slots[next % t->n];
            if (s->state != S_FREE)
                break;
            s->number = (int32_t)next;
            s->offset = next * (int64_t)t->part_size;
            s->len = size - s->offset < (int64_t)t->part_size ? (size_t)(size - s->offset) : t->part_size;
            char range[64];
            snprintf(range, sizeof range, "bytes=%lld-%lld", (long long)s->offset,
                     (long long)(s->offset + (int64_t)s->len - 1));
            awsc_s3_get_object_request in = {0};
            in.bucket = t->bucket;
            in.key = t->key;
            in.range = range;
            in.if_match = etag; /* an object replaced meanwhile fails instead of mixing versions */
            rc = awsc_s3_get_object_async(t->client, &in, range_done, s, &e);
            if (rc) {
                fail_from(t, rc, &e, "GetObject");
                awsc_error_clear(&e);
                break;
            }
            s->state = S_BUSY;
            t->busy++;
            next++;
        }
        commit(t);
        if (t->busy == 0 && (t->status || t->next_commit == count))
            break;
        if (t->busy)
            drive(t);
    }
    drain(t);
    free(etag);
    if (t->status)
        return t->status;

    char whole[64] = "", composite[64] = "";
    uint8_t raw[32];
    if (t->whole)
        awsc_checksum_final(t->whole, raw, whole);
    if (t->composite)
        awsc_checksum_final(t->composite, raw, composite);
    bool checked = t->whole || t->composite;
    if (checked && strcmp(whole, expected) != 0 && strcmp(composite, expected) != 0) {
        fail(t, AWSC_E_RESPONSE, "the downloaded bytes do not match the object's %s checksum: it is %s, they give %s",
             alg_names[alg], expected, *composite ? composite : whole);
        t->err.code = awsc_strdup("ChecksumMismatch");
        return t->status;
    }
    if (res) {
        res->bytes = size;
        res->checksum_validated = checked;
    }
    return AWSC_OK;
}

int awsc_transfer_download_fd(awsc_s3_client *client, const char *bucket, const char *key, int fd,
                              const awsc_transfer_options *options, awsc_transfer_result *result, awsc_error *err)
{
    if (result)
        memset(result, 0, sizeof *result);
    transfer t;
    int rc = setup(&t, client, bucket, key, options, err);
    if (rc) {
        teardown(&t);
        return rc;
    }
    t.fd = fd;
    t.path = "the output";
    if (fd < 0)
        fail(&t, AWSC_E_VALIDATION, "transfer: no file descriptor to write to");
    else
        download(&t, result);
    rc = finish(&t, err);
    if (rc && result)
        awsc_transfer_result_free(result);
    return rc;
}

int awsc_transfer_download_file(awsc_s3_client *client, const char *bucket, const char *key, const char *path,
                                const awsc_transfer_options *options, awsc_transfer_result *result, awsc_error *err)
{
    if (result)
        memset(result, 0, sizeof *result);
    transfer t;
    int rc = setup(&t, client, bucket, key, options, err);
    if (rc) {
        teardown(&t);
        return rc;
    }
    if (!path || !*path) {
        fail(&t, AWSC_E_VALIDATION, "transfer: a file path is needed");
        return finish(&t, err);
    }
    /* A temporary file beside the destination: a failed download never leaves a file that looks complete. */
    size_t cap = strlen(path) + 32;
    char *tmp = malloc(cap);
    if (!tmp) {
        nomem(&t);
        return finish(&t, err);
    }
    snprintf(tmp, cap, "%s.awsc-XXXXXX", path);
    t.fd = mkstemp(tmp);
    t.path = path;
    t.to_file = true;
    if (t.fd < 0) {
        fail(&t, AWSC_E_VALIDATION, "cannot create a temporary file beside %s: %s", path, strerror(errno));
    } else {
        download(&t, result);
        mode_t mask = umask(0);
        umask(mask);
        if (!t.status && fchmod(t.fd, 0666 & ~mask) != 0)
            fail(&t, AWSC_E_VALIDATION, "chmod %s: %s", tmp, strerror(errno));
        if (close(t.fd) != 0 && !t.status)
            fail(&t, AWSC_E_VALIDATION, "writing %s: %s", path, strerror(errno));
        if (!t.status && rename(tmp, path) != 0)
            fail(&t, AWSC_E_VALIDATION, "renaming the download to %s: %s", path, strerror(errno));
        if (t.status)
            unlink(tmp);
    }
    free(tmp);
    rc = finish(&t, err);
    if (rc && result)
        awsc_transfer_result_free(result);
    return rc;
}

void awsc_transfer_result_free(awsc_transfer_result *r)
{
    if (!r)
        return;
    free(r->etag);
    free(r->checksum_algorithm);
    free(r->checksum);
    free(r->upload_id);
    for (size_t i = 0; i < r->finished_part_count; i++) {
        free(r->parts[i].etag);
        free(r->parts[i].checksum);
    }
    free(r->parts);
    memset(r, 0, sizeof *r);
}
