"""Restore jobs for backup_plus.py (ministack 1.5.33 lists and describes none).

  StartRestoreJob      PUT /restore-jobs
  ListRestoreJobs      GET /restore-jobs
  DescribeRestoreJob   GET /restore-jobs/{id}

A restore of a kept DynamoDB recovery point creates the table named by the metadata's targetTableName in
ministack's own DynamoDB (the source table's keys when that table exists there, else a string key "pk"), so the
restored table is visible, and deletable, through the DynamoDB API. IdempotencyToken makes a repeated start answer
with the first job. A job is reported RUNNING for its first BACKUP_PLUS_JOB_RUNNING_POLLS looks, like a backup job.
"""
import os
import time

from ministack.core.responses import AccountRegionScopedDict, get_account_id, get_region

_JOB_RUNNING_POLLS = int(os.environ.get("BACKUP_PLUS_JOB_RUNNING_POLLS", "0"))

_restore_jobs = AccountRegionScopedDict()     # restore job id -> record
_restore_polls = AccountRegionScopedDict()    # restore job id -> DescribeRestoreJob calls answered
STATES = (_restore_jobs, _restore_polls)


def _create_restored_table(rp, name):
    """Creates the restored table in ministack's DynamoDB; None, or the error response."""
    from ministack.services import dynamodb as _dynamodb
    source = _dynamodb._tables.get(rp["ResourceArn"].split("table/", 1)[-1])
    if source is not None:
        keys = {"KeySchema": source["KeySchema"], "AttributeDefinitions": source["AttributeDefinitions"]}
    else:
        keys = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}
    answer = _dynamodb._create_table({"TableName": name, "BillingMode": "PAY_PER_REQUEST", **keys})
    return None if answer[0] == 200 else answer


def _start(body, recovery_points, validate, respond, err):
    bad = validate("StartRestoreJob", body)
    if bad:
        return bad
    token = body.get("IdempotencyToken")
    for job in _restore_jobs.values():
        if token and job["IdempotencyToken"] == token:
            return respond(200, {"RestoreJobId": job["RestoreJobId"]})
    rp = recovery_points.get(body["RecoveryPointArn"])
    if rp is None:
        return err("ResourceNotFoundException", f"Recovery point {body['RecoveryPointArn']} not found.")
    if rp["ResourceType"] != "DYNAMODB" or body.get("ResourceType", "DynamoDB") != "DynamoDB":
        return err("InvalidRequestException", "This emulator restores DynamoDB recovery points only.")
    name = body["Metadata"].get("targetTableName")
    if not name:
        return err("InvalidParameterValueException", "Metadata targetTableName is required to restore a DynamoDB table.")
    failed = _create_restored_table(rp, name)
    if failed is not None:
        return err("InvalidParameterValueException", f"Cannot create table {name}: {failed[2].decode()}")
    job_id = f"{len(_restore_jobs) + 1:08d}-restore"
    now = time.time()
    _restore_jobs[job_id] = {
        "AccountId": get_account_id(), "RestoreJobId": job_id, "RecoveryPointArn": rp["RecoveryPointArn"],
        "SourceResourceArn": rp["ResourceArn"], "BackupVaultArn": rp["BackupVaultArn"], "CreationDate": now,
        "CompletionDate": now, "Status": "COMPLETED", "PercentDone": "100.0", "IamRoleArn": body.get("IamRoleArn", ""),
        "CreatedResourceArn": f"arn:aws:dynamodb:{get_region()}:{get_account_id()}:table/{name}",
        "ResourceType": "DynamoDB", "RecoveryPointCreationDate": rp["CreationDate"], "IdempotencyToken": token,
    }
    return respond(200, {"RestoreJobId": job_id})


def _public_restore_job(job):
    return {k: v for k, v in job.items() if k != "IdempotencyToken"}


def _describe(job_id, respond, err):
    job = _restore_jobs.get(job_id)
    if job is None:
        return err("ResourceNotFoundException", f"Restore job {job_id} not found.")
    seen = _restore_polls.get(job_id, 0)
    _restore_polls[job_id] = seen + 1
    if seen >= _JOB_RUNNING_POLLS:
        return respond(200, _public_restore_job(job))
    running = {k: v for k, v in _public_restore_job(job).items() if k not in ("CompletionDate", "CreatedResourceArn")}
    running.update(Status="RUNNING", PercentDone=f"{100.0 * (seen + 1) / (_JOB_RUNNING_POLLS + 1):.1f}")
    return respond(200, running)


def handle(method, parts, body, recovery_points, validate, respond, err):
    """The answer to a /restore-jobs request; None for one it does not serve."""
    if parts == ["restore-jobs"] and method == "PUT":
        return _start(body, recovery_points, validate, respond, err)
    if parts == ["restore-jobs"] and method == "GET":
        return respond(200, {"RestoreJobs": [_public_restore_job(j) for j in _restore_jobs.values()]})
    if len(parts) == 2 and parts[0] == "restore-jobs" and method == "GET":
        return _describe(parts[1], respond, err)
    return None
