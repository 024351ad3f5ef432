/**
 * @file transfer.h
 * libawsc-transfer: S3 uploads and downloads of any size on the generated S3
 * client (<awsc/s3.h>), as the SDKs' transfer managers do them.
 *
 * An upload of at least `multipart_threshold` bytes (or a stream of unknown
 * length that fills a part) goes up as a multipart upload: parts of
 * `part_size` bytes, `max_in_flight` of them on the client's asynchronous
 * engine at once (memory: max_in_flight x part_size), each with its checksum
 * (CRC32 unless told otherwise) sent as x-amz-checksum-* and listed in
 * CompleteMultipartUpload. A failed upload is aborted (AbortMultipartUpload)
 * unless `keep_upload_on_failure`, in which case the result names the upload
 * and its finished parts, which a later call resumes from. A smaller object is
 * one PutObject.
 *
 * A download reads the object's size, ETag and checksum (HeadObject), then
 * fetches ranges of `part_size` bytes in parallel (each pinned to the ETag with
 * If-Match, so that an object replaced meanwhile fails the download instead of
 * mixing two versions) into a temporary file beside the destination, renamed
 * into place only when every byte arrived and matched the object's checksum:
 * a full-object checksum of any algorithm, or a composite one ("...-N") when
 * the parts' size is known. A mismatch is an error; a checksum that could not
 * be checked is reported in the result (`checksum_validated` false).
 *
 * The functions drive the client with awsc_client_run from the calling
 * thread: do not give them a client that other code drives at the same time.
 */
#ifndef AWSC_TRANSFER_H
#define AWSC_TRANSFER_H

#include "awsc/awsc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The generated S3 client (<awsc/s3.h>). */
typedef struct awsc_s3_client awsc_s3_client;

/** Bytes done so far, of `total` (-1 while unknown); called on the calling thread. */
typedef void (*awsc_transfer_progress_fn)(void *user, int64_t done, int64_t total);

/** A finished part of a multipart upload. */
typedef struct awsc_transfer_part {
    int32_t number;
    int64_t size;
    char *etag;
    char *checksum; /**< base64 of the part's checksum (the options' algorithm), or NULL */
} awsc_transfer_part;

typedef struct awsc_transfer_options {
    /**
     * Bytes per part (and per ranged GET); 0: 8 MiB. S3 wants at least 5 MiB for all parts but
     * the last. A range is held in memory as a response body: keep it within the client's
     * max_response_bytes (16 MiB by default).
     */
    size_t part_size;
    /** Uploads smaller than this are one PutObject; 0: part_size. */
    int64_t multipart_threshold;
    /** Parts (or ranges) in flight at once; 0: 8. */
    int max_in_flight;
    /** Upload checksum: "CRC32" (NULL), "CRC32C", "CRC64NVME", "SHA1" or "SHA256". */
    const char *checksum_algorithm;
    awsc_transfer_progress_fn progress;
    void *progress_user;
    /** Upload: the object's Content-Type, or NULL. */
    const char *content_type;
    /** Upload: leave a failed multipart upload for a resume instead of aborting it. */
    bool keep_upload_on_failure;
    /**
     * Upload: resume this multipart upload; parts listed here (with the same
     * part size) are read and checked against their checksum, not sent again.
     */
    const char *resume_upload_id;
    const awsc_transfer_part *resume_parts;
    size_t resume_part_count;
} awsc_transfer_options;

#define AWSC_TRANSFER_OPTIONS_INIT {0}

/** What a transfer did. Release with awsc_transfer_result_free. */
typedef struct awsc_transfer_result {
    int64_t bytes;            /**< bytes moved */
    char *etag;               /**< the object's ETag, or NULL */
    char *checksum_algorithm; /**< "CRC32"..., or NULL when the object has no checksum */
    char *checksum;           /**< base64, "-N" appended for a composite multipart checksum, or NULL */
    bool checksum_validated;  /**< download: the bytes matched `checksum` */
    int32_t part_count;       /**< upload: parts of a multipart upload, 0 for one PutObject */
    /** Upload that failed with keep_upload_on_failure: its id and finished parts, to resume from. */
    char *upload_id;
    awsc_transfer_part *parts;
    size_t finished_part_count;
} awsc_transfer_result;

/** A read callback as awsc_stream's: bytes read, 0 at the end, -1 on an error. */
typedef long (*awsc_transfer_read_fn)(void *user, uint8_t *buf, size_t cap);

/** Uploads the file at `path` to s3://bucket/key. `result` may be NULL. */
AWSC_API int awsc_transfer_upload_file(awsc_s3_client *client, const char *bucket, const char *key, const char *path,
                                       const awsc_transfer_options *options, awsc_transfer_result *result,
                                       awsc_error *err);

/** Uploads what `read` returns; `size` is its length, or -1 when unknown (a pipe). */
AWSC_API int awsc_transfer_upload_stream(awsc_s3_client *client, const char *bucket, const char *key,
                                         awsc_transfer_read_fn read, void *user, int64_t size,
                                         const awsc_transfer_options *options, awsc_transfer_result *result,
                                         awsc_error *err);

/**
 * Downloads s3://bucket/key to `path`, through a temporary file in the same
 * folder renamed into place on success (removed on failure).
 */
AWSC_API int awsc_transfer_download_file(awsc_s3_client *client, const char *bucket, const char *key,
                                         const char *path, const awsc_transfer_options *options,
                                         awsc_transfer_result *result, awsc_error *err);

/**
 * Downloads s3://bucket/key to the file descriptor `fd` (a pipe, stdout), in
 * order. On a failure some bytes may already have been written.
 */
AWSC_API int awsc_transfer_download_fd(awsc_s3_client *client, const char *bucket, const char *key, int fd,
                                       const awsc_transfer_options *options, awsc_transfer_result *result,
                                       awsc_error *err);

/** Frees what a result holds and zeroes it. NULL is a no-op. */
AWSC_API void awsc_transfer_result_free(awsc_transfer_result *result);

#ifdef __cplusplus
}
#endif
#endif
