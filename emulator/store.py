"""In-memory state of the Jobs emulator, its rules, and JSON persistence.

Everything here is transport-free: operations take plain Python values and
either return a result or raise ApiError. One lock serialises all access, so
request threads never see half-applied changes. Timers (step timeout, job
in-progress timeout, command execution timeout) are evaluated lazily against
an injectable clock at the start of every operation.
"""

import json
import os
import tempfile
import threading
import time
import uuid

QUEUED, IN_PROGRESS = "QUEUED", "IN_PROGRESS"
SUCCEEDED, FAILED, TIMED_OUT = "SUCCEEDED", "FAILED", "TIMED_OUT"
REJECTED, REMOVED, CANCELED = "REJECTED", "REMOVED", "CANCELED"
STATUSES = (QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT, REJECTED,
            REMOVED, CANCELED)
TERMINAL = frozenset((SUCCEEDED, FAILED, TIMED_OUT, REJECTED, REMOVED,
                      CANCELED))
PENDING = frozenset((QUEUED, IN_PROGRESS))

# What a device may ask for through UpdateJobExecution (from -> allowed to).
# TIMED_OUT, CANCELED and REMOVED are only ever set by the service; QUEUED is
# the initial state and can't be re-entered; terminal states never change.
DEVICE_TRANSITIONS = {
    QUEUED: frozenset((IN_PROGRESS, SUCCEEDED, FAILED, REJECTED)),
    IN_PROGRESS: frozenset((IN_PROGRESS, SUCCEEDED, FAILED, REJECTED)),
}

STEP_TIMEOUT_MAX = 10080  # minutes (7 days), for step and in-progress timers
STATE_FORMAT = 1


class ApiError(Exception):
    """A modeled error: name (x-amzn-errortype), HTTP status, message."""

    def __init__(self, name, status, message, **extra):
        super().__init__(message)
        self.name = name
        self.status = status
        self.message = message
        self.extra = extra


class SystemClock:
    def now(self):
        return time.time()


class FakeClock:
    """Manually advanced clock for tests (starts at the real time)."""

    def __init__(self, start=None):
        self._t = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            return self._t

    def advance(self, seconds):
        with self._lock:
            self._t += seconds


def _empty_state():
    return {"format": STATE_FORMAT, "seq": 0, "jobs": {}, "executions": {},
            "commands": {}, "clientTokens": {}, "things": {}}


def _temp_prefix(path):
    return "." + os.path.basename(path) + ".tmp-"


def atomic_write(path, text):
    """Write `text` to `path` so a crash leaves either old or new content."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable; not possible everywhere
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def remove_stale_temp_files(path):
    """Remove what a write to `path` cut short (kill -9) left behind.

    Only this file's temporaries (named after it) go: one emulator owns a
    state file, so none of them can belong to a live write.
    """
    directory = os.path.dirname(os.path.abspath(path))
    prefix = _temp_prefix(path)
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix):
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass


class Store:
    def __init__(self, region="us-east-1", account="123456789012",
                 clock=None, state_file=None, minute_seconds=60, presigner=None):
        self.region = region
        # The length of a timer "minute" (60; tests shorten it to see step
        # timers fire without waiting minutes).
        self.minute = minute_seconds
        # Resolves ${aws:iot:s3-presigned-url:...} when a document is delivered (presign.py).
        self.presigner = presigner
        self.account = account
        self.clock = clock or SystemClock()
        self.state_file = state_file
        self.lock = threading.RLock()
        self.state = _empty_state()
        self._saved_text = None
        if state_file:
            remove_stale_temp_files(state_file)
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as f:
                self._saved_text = f.read()
            self.state = json.loads(self._saved_text)
            if self.state.get("format") != STATE_FORMAT:
                raise ValueError("%s: unsupported state format" % state_file)
            # Files saved before the thing registry existed have none.
            self.state.setdefault("things", {})

    # ---- helpers -------------------------------------------------------

    def _now(self):
        return int(self.clock.now())

    def _next_seq(self):
        self.state["seq"] += 1
        return self.state["seq"]

    def job_arn(self, job_id):
        return "arn:aws:iot:%s:%s:job/%s" % (self.region, self.account, job_id)

    def thing_arn(self, thing):
        return "arn:aws:iot:%s:%s:thing/%s" % (self.region, self.account,
                                               thing)

    def _commit(self):
        """Persist after a mutation; on failure restore the last saved state
        so memory never runs ahead of what a restart would see."""
        if not self.state_file:
            return
        text = json.dumps(self.state, sort_keys=True, indent=1)
        try:
            atomic_write(self.state_file, text)
        except Exception as e:
            self.state = (json.loads(self._saved_text) if self._saved_text
                          else _empty_state())
            raise ApiError("InternalServerException", 500,
                           "could not persist state: %s" % e)
        self._saved_text = text

    def _exec(self, thing, job_id):
        return self.state["executions"].get(thing, {}).get(job_id)

    def _job(self, job_id):
        job = self.state["jobs"].get(job_id)
        if job is None:
            raise ApiError("ResourceNotFoundException", 404,
                           "Job %s does not exist." % job_id)
        return job

    def _deadline(self, ex):
        ds = [d for d in (ex.get("stepDeadline"), ex.get("inProgressDeadline"))
              if d is not None]
        return min(ds) if ds else None

    def _set_status(self, ex, status, now):
        ex["status"] = status
        ex["lastUpdatedAt"] = now
        ex["versionNumber"] += 1
        if status == IN_PROGRESS and ex.get("startedAt") is None:
            ex["startedAt"] = now
            job = self.state["jobs"].get(ex["jobId"])
            minutes = ((job or {}).get("timeoutConfig") or {}).get(
                "inProgressTimeoutInMinutes")
            if minutes:
                ex["inProgressDeadline"] = self.clock.now() + minutes * self.minute
        if status in TERMINAL:
            ex["stepDeadline"] = None
            ex["inProgressDeadline"] = None
            self._maybe_complete_job(ex["jobId"], now)

    def _maybe_complete_job(self, job_id, now):
        job = self.state["jobs"].get(job_id)
        if not job or job["status"] != IN_PROGRESS:
            return
        for per_thing in self.state["executions"].values():
            ex = per_thing.get(job_id)
            if ex and ex["status"] not in TERMINAL:
                return
        job["status"] = "COMPLETED"
        job["completedAt"] = now
        job["lastUpdatedAt"] = now

    def _expire(self):
        """Apply every timer that has run out; True if anything changed."""
        now = self.clock.now()
        changed = False
        for per_thing in self.state["executions"].values():
            for ex in per_thing.values():
                d = self._deadline(ex)
                if ex["status"] == IN_PROGRESS and d is not None and d <= now:
                    self._set_status(ex, TIMED_OUT, int(d))
                    changed = True
        for cmd in self.state["commands"].values():
            if cmd["status"] in ("CREATED", "IN_PROGRESS") and \
                    cmd["deadline"] <= now:
                cmd["status"] = TIMED_OUT
                cmd["lastUpdatedAt"] = int(cmd["deadline"])
                changed = True
        return changed

    def _begin(self):
        """Start an operation (lock held): fire due timers, persist them."""
        if self._expire():
            self._commit()

    def _apply_step_timeout(self, ex, minutes):
        if minutes is None:
            return
        ex["stepDeadline"] = (None if minutes == -1
                              else self.clock.now() + minutes * self.minute)

    # ---- views ---------------------------------------------------------

    def _delivered(self, job_id):
        """The document as a device gets it: presigned URLs fresh at every delivery."""
        job = self.state["jobs"][job_id]
        config = job.get("presignedUrlConfig")
        if not config or self.presigner is None:
            return job["document"]
        return self.presigner.resolve(job["document"], config.get("expiresInSec") or 3600)

    def _execution_view(self, ex, include_document):
        out = {"jobId": ex["jobId"], "thingName": ex["thingName"],
               "status": ex["status"], "queuedAt": ex["queuedAt"],
               "lastUpdatedAt": ex["lastUpdatedAt"],
               "versionNumber": ex["versionNumber"],
               "executionNumber": ex["executionNumber"]}
        if ex["statusDetails"]:
            out["statusDetails"] = dict(ex["statusDetails"])
        if ex.get("startedAt") is not None:
            out["startedAt"] = ex["startedAt"]
        d = self._deadline(ex)
        if ex["status"] == IN_PROGRESS and d is not None:
            out["approximateSecondsBeforeTimedOut"] = max(
                0, round(d - self.clock.now()))
        if include_document:
            out["jobDocument"] = self._delivered(ex["jobId"])
        return out

    def _summary_view(self, ex):
        out = {"jobId": ex["jobId"], "queuedAt": ex["queuedAt"],
               "lastUpdatedAt": ex["lastUpdatedAt"],
               "versionNumber": ex["versionNumber"],
               "executionNumber": ex["executionNumber"]}
        if ex.get("startedAt") is not None:
            out["startedAt"] = ex["startedAt"]
        return out

    def _pending(self, thing):
        """Pending executions: IN_PROGRESS first, then QUEUED, each in the
        order the executions were queued."""
        execs = self.state["executions"].get(thing, {}).values()
        rank = {IN_PROGRESS: 0, QUEUED: 1}
        return sorted((e for e in execs if e["status"] in PENDING),
                      key=lambda e: (rank[e["status"]], e["seq"]))

    def _find(self, thing, job_id, execution_number):
        ex = self._exec(thing, job_id)
        if ex is None or (execution_number is not None and
                          execution_number != ex["executionNumber"]):
            raise ApiError("ResourceNotFoundException", 404,
                           "Job execution %s of thing %s does not exist."
                           % (job_id, thing))
        return ex

    # ---- data plane ----------------------------------------------------

    def describe_job_execution(self, thing, job_id, include_document=True,
                               execution_number=None):
        with self.lock:
            self._begin()
            if job_id == "$next":
                pending = self._pending(thing)
                if not pending:
                    raise ApiError("ResourceNotFoundException", 404,
                                   "No pending job execution for thing %s."
                                   % thing)
                ex = pending[0]
            else:
                ex = self._find(thing, job_id, execution_number)
            return {"execution": self._execution_view(ex, include_document)}

    def get_pending_job_executions(self, thing):
        with self.lock:
            self._begin()
            pending = self._pending(thing)
            return {
                "inProgressJobs": [self._summary_view(e) for e in pending
                                   if e["status"] == IN_PROGRESS],
                "queuedJobs": [self._summary_view(e) for e in pending
                               if e["status"] == QUEUED],
            }

    def start_next_pending_job_execution(self, thing, status_details=None,
                                         step_timeout=None):
        with self.lock:
            self._begin()
            pending = self._pending(thing)
            if not pending:
                return {}
            ex = pending[0]
            now = self._now()
            if ex["status"] == QUEUED:
                if status_details is not None:
                    ex["statusDetails"] = dict(status_details)
                self._set_status(ex, IN_PROGRESS, now)
                self._apply_step_timeout(ex, step_timeout)
                self._commit()
            elif status_details is not None or step_timeout is not None:
                # Already started: honour the explicit request, as one update.
                if status_details is not None:
                    ex["statusDetails"] = dict(status_details)
                self._apply_step_timeout(ex, step_timeout)
                ex["versionNumber"] += 1
                ex["lastUpdatedAt"] = now
                self._commit()
            return {"execution": self._execution_view(ex, True)}

    def update_job_execution(self, thing, job_id, status, status_details=None,
                             step_timeout=None, expected_version=None,
                             include_state=False, include_document=False,
                             execution_number=None):
        with self.lock:
            self._begin()
            ex = self._find(thing, job_id, execution_number)
            if expected_version is not None and \
                    expected_version != ex["versionNumber"]:
                raise ApiError(
                    "InvalidStateTransitionException", 409,
                    "Version mismatch: expected version %d but job execution "
                    "%s of thing %s is at version %d."
                    % (expected_version, job_id, thing, ex["versionNumber"]))
            allowed = DEVICE_TRANSITIONS.get(ex["status"], frozenset())
            if status not in allowed:
                raise ApiError(
                    "InvalidStateTransitionException", 409,
                    "Job execution %s of thing %s cannot move from %s to %s."
                    % (job_id, thing, ex["status"], status))
            now = self._now()
            if status_details is not None:
                ex["statusDetails"] = dict(status_details)
            self._set_status(ex, status, now)
            if status == IN_PROGRESS:
                self._apply_step_timeout(ex, step_timeout)
            self._commit()
            out = {}
            if include_state:
                state = {"status": ex["status"],
                         "versionNumber": ex["versionNumber"]}
                if ex["statusDetails"]:
                    state["statusDetails"] = dict(ex["statusDetails"])
                out["executionState"] = state
            if include_document:
                out["jobDocument"] = self._delivered(job_id)
            return out

    def start_command_execution(self, target_arn, command_arn, parameters,
                                timeout_seconds, client_token):
        with self.lock:
            self._begin()
            request = {"targetArn": target_arn, "commandArn": command_arn,
                       "parameters": parameters,
                       "executionTimeoutSeconds": timeout_seconds}
            if client_token is not None:
                known = self.state["clientTokens"].get(client_token)
                if known is not None:
                    cmd = self.state["commands"][known]
                    if cmd["request"] == request:
                        return {"executionId": known}
                    raise ApiError(
                        "ConflictException", 409,
                        "clientToken %s was already used with different "
                        "parameters." % client_token, resourceId=known)
            exec_id = str(uuid.uuid4())
            now = self._now()
            self.state["commands"][exec_id] = {
                "executionId": exec_id, "request": request,
                "status": "CREATED", "createdAt": now, "lastUpdatedAt": now,
                "deadline": self.clock.now() + (timeout_seconds or 10)}
            if client_token is not None:
                self.state["clientTokens"][client_token] = exec_id
            self._commit()
            return {"executionId": exec_id}

    # ---- control plane -------------------------------------------------

    def create_job(self, job_id, things, document, description=None,
                   timeout_config=None, target_selection="SNAPSHOT",
                   targets=None, presigned_url_config=None,
                   template_arn=None, document_parameters=None):
        with self.lock:
            self._begin()
            if job_id in self.state["jobs"]:
                raise ApiError("ResourceAlreadyExistsException", 409,
                               "Job %s already exists." % job_id,
                               resourceId=job_id,
                               resourceArn=self.job_arn(job_id))
            now = self._now()
            job = {"jobId": job_id, "jobArn": self.job_arn(job_id),
                   "targets": list(targets or []), "document": document,
                   "status": IN_PROGRESS, "targetSelection": target_selection,
                   "createdAt": now, "lastUpdatedAt": now,
                   "timeoutConfig": timeout_config or None,
                   "forceCanceled": False}
            if presigned_url_config:
                job["presignedUrlConfig"] = dict(presigned_url_config)
            # DescribeJob tells a templated job by these, as AWS IoT does.
            if template_arn is not None:
                job["jobTemplateArn"] = template_arn
            if document_parameters:
                job["documentParameters"] = dict(document_parameters)
            if description is not None:
                job["description"] = description
            self.state["jobs"][job_id] = job
            for thing in things:
                self.state["executions"].setdefault(thing, {})[job_id] = {
                    "jobId": job_id, "thingName": thing, "status": QUEUED,
                    "statusDetails": {}, "queuedAt": now, "startedAt": None,
                    "lastUpdatedAt": now, "versionNumber": 1,
                    "executionNumber": 1, "seq": self._next_seq(),
                    "stepDeadline": None, "inProgressDeadline": None,
                    "forceCanceled": False}
            self._commit()
            out = {"jobArn": job["jobArn"], "jobId": job_id}
            if description is not None:
                out["description"] = description
            return out

    def _process_details(self, job_id):
        counts = dict.fromkeys(STATUSES, 0)
        for per_thing in self.state["executions"].values():
            ex = per_thing.get(job_id)
            if ex:
                counts[ex["status"]] += 1
        return {"numberOfQueuedThings": counts[QUEUED],
                "numberOfInProgressThings": counts[IN_PROGRESS],
                "numberOfSucceededThings": counts[SUCCEEDED],
                "numberOfFailedThings": counts[FAILED],
                "numberOfRejectedThings": counts[REJECTED],
                "numberOfCanceledThings": counts[CANCELED],
                "numberOfRemovedThings": counts[REMOVED],
                "numberOfTimedOutThings": counts[TIMED_OUT],
                "processingTargets": []}

    def describe_job(self, job_id):
        with self.lock:
            self._begin()
            job = self._job(job_id)
            out = {k: v for k, v in job.items()
                   if k != "document" and v is not None}
            out["jobProcessDetails"] = self._process_details(job_id)
            return {"job": out}

    def get_job_document(self, job_id):
        with self.lock:
            self._begin()
            return {"document": self._job(job_id)["document"]}

    def cancel_job(self, job_id, force=False, reason_code=None, comment=None):
        with self.lock:
            self._begin()
            job = self._job(job_id)
            if job["status"] == "COMPLETED":
                raise ApiError("InvalidRequestException", 400,
                               "Job %s is already COMPLETED." % job_id)
            if job["status"] == CANCELED and not force:
                raise ApiError("InvalidRequestException", 400,
                               "Job %s is already CANCELED; use force to "
                               "cancel its IN_PROGRESS executions." % job_id)
            now = self._now()
            job["status"] = CANCELED
            job["lastUpdatedAt"] = now
            job["forceCanceled"] = bool(force or job.get("forceCanceled"))
            if reason_code is not None:
                job["reasonCode"] = reason_code
            if comment is not None:
                job["comment"] = comment
            for per_thing in self.state["executions"].values():
                ex = per_thing.get(job_id)
                if ex is None:
                    continue
                if ex["status"] == QUEUED or (force and
                                              ex["status"] == IN_PROGRESS):
                    ex["forceCanceled"] = ex["status"] == IN_PROGRESS
                    self._set_status(ex, CANCELED, now)
            self._commit()
            out = {"jobArn": job["jobArn"], "jobId": job_id}
            if job.get("description") is not None:
                out["description"] = job["description"]
            return out

    def delete_job(self, job_id, force=False):
        with self.lock:
            self._begin()
            job = self._job(job_id)
            if job["status"] == IN_PROGRESS and not force:
                raise ApiError(
                    "InvalidStateTransitionException", 409,
                    "Job %s is IN_PROGRESS; delete it with force=true."
                    % job_id)
            del self.state["jobs"][job_id]
            for per_thing in self.state["executions"].values():
                per_thing.pop(job_id, None)
            self._commit()
            return {}

    def cancel_job_execution(self, thing, job_id, force=False,
                             expected_version=None, status_details=None):
        with self.lock:
            self._begin()
            ex = self._find(thing, job_id, None)
            if expected_version is not None and \
                    expected_version != ex["versionNumber"]:
                raise ApiError(
                    "VersionConflictException", 409,
                    "Expected version %d but job execution is at version %d."
                    % (expected_version, ex["versionNumber"]))
            if ex["status"] in TERMINAL or (ex["status"] == IN_PROGRESS and
                                            not force):
                raise ApiError(
                    "InvalidStateTransitionException", 409,
                    "Job execution %s of thing %s is %s and cannot be "
                    "canceled%s." % (job_id, thing, ex["status"],
                                     " without force"
                                     if ex["status"] == IN_PROGRESS else ""))
            if status_details is not None:
                ex["statusDetails"] = dict(status_details)
            ex["forceCanceled"] = ex["status"] == IN_PROGRESS
            self._set_status(ex, CANCELED, self._now())
            self._commit()
            return {}

    def describe_job_execution_control(self, thing, job_id,
                                       execution_number=None):
        with self.lock:
            self._begin()
            ex = self._find(thing, job_id, execution_number)
            out = {"jobId": job_id, "status": ex["status"],
                   "forceCanceled": ex.get("forceCanceled", False),
                   "statusDetails": {"detailsMap": dict(ex["statusDetails"])},
                   "thingArn": self.thing_arn(thing),
                   "queuedAt": ex["queuedAt"],
                   "lastUpdatedAt": ex["lastUpdatedAt"],
                   "executionNumber": ex["executionNumber"],
                   "versionNumber": ex["versionNumber"]}
            if ex.get("startedAt") is not None:
                out["startedAt"] = ex["startedAt"]
            d = self._deadline(ex)
            if ex["status"] == IN_PROGRESS and d is not None:
                out["approximateSecondsBeforeTimedOut"] = max(
                    0, round(d - self.clock.now()))
            return {"execution": out}

    def list_job_executions_for_thing(self, thing, status=None, job_id=None,
                                      max_results=None, next_token=None):
        with self.lock:
            self._begin()
            execs = sorted(self.state["executions"].get(thing, {}).values(),
                           key=lambda e: e["seq"])
            execs = [e for e in execs
                     if (status is None or e["status"] == status) and
                     (job_id is None or e["jobId"] == job_id)]
            start = 0
            if next_token is not None:
                try:
                    start = int(next_token)
                    if start < 0 or start > len(execs):
                        raise ValueError
                except ValueError:
                    raise ApiError("InvalidRequestException", 400,
                                   "Invalid nextToken.")
            limit = max_results or 50
            page = execs[start:start + limit]
            out = {"executionSummaries": []}
            for ex in page:
                summary = {"status": ex["status"], "queuedAt": ex["queuedAt"],
                           "lastUpdatedAt": ex["lastUpdatedAt"],
                           "executionNumber": ex["executionNumber"],
                           "retryAttempt": 0}
                if ex.get("startedAt") is not None:
                    summary["startedAt"] = ex["startedAt"]
                out["executionSummaries"].append(
                    {"jobId": ex["jobId"], "jobExecutionSummary": summary})
            if start + limit < len(execs):
                out["nextToken"] = str(start + limit)
            return out

    # ---- thing registry (CreateThing, DescribeThing, ListThings, DeleteThing)

    def _thing_view(self, thing):
        return {k: v for k, v in thing.items() if v is not None}

    def create_thing(self, name, attributes=None):
        """As AWS IoT: creating a thing that exists with the same attributes
        returns it again; with other attributes it is a conflict."""
        with self.lock:
            self._begin()
            things = self.state.setdefault("things", {})
            old = things.get(name)
            if old is not None:
                if old["attributes"] != (attributes or {}):
                    raise ApiError("ResourceAlreadyExistsException", 409,
                                   "Thing %s already exists with different "
                                   "attributes." % name, resourceId=old["thingId"],
                                   resourceArn=old["thingArn"])
            else:
                old = things[name] = {
                    "thingName": name, "thingArn": self.thing_arn(name),
                    "thingId": str(uuid.uuid4()), "attributes": dict(attributes or {}),
                    "version": 1, "defaultClientId": name}
                self._commit()
            return {"thingName": name, "thingArn": old["thingArn"],
                    "thingId": old["thingId"]}

    def _thing(self, name):
        thing = self.state.setdefault("things", {}).get(name)
        if thing is None:
            raise ApiError("ResourceNotFoundException", 404,
                           "Thing %s cannot be found." % name)
        return thing

    def describe_thing(self, name):
        with self.lock:
            self._begin()
            return self._thing_view(self._thing(name))

    def list_things(self, max_results=None, next_token=None):
        with self.lock:
            self._begin()
            names = sorted(self.state.setdefault("things", {}))
            try:
                start = int(next_token) if next_token is not None else 0
                if not 0 <= start <= len(names):
                    raise ValueError
            except ValueError:
                raise ApiError("InvalidRequestException", 400, "Invalid nextToken.")
            limit = max_results or 50
            out = {"things": [
                {k: v for k, v in self.state["things"][n].items()
                 if k in ("thingName", "thingArn", "attributes", "version")}
                for n in names[start:start + limit]]}
            if start + limit < len(names):
                out["nextToken"] = str(start + limit)
            return out

    def delete_thing(self, name, expected_version=None):
        """Deleting a thing that does not exist succeeds, as in AWS IoT. Its
        job executions stay (the emulator's jobs never needed the registry)."""
        with self.lock:
            self._begin()
            thing = self.state.setdefault("things", {}).get(name)
            if thing is None:
                return {}
            if expected_version is not None and expected_version != thing["version"]:
                raise ApiError("VersionConflictException", 409,
                               "Expected version %d but thing %s is at version %d."
                               % (expected_version, name, thing["version"]))
            del self.state["things"][name]
            self._commit()
            return {}
