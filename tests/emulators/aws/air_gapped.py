"""Logically air-gapped backup vaults for backup_plus.py (ministack 1.5.33 has none).

  CreateLogicallyAirGappedBackupVault   PUT    /logically-air-gapped-backup-vaults/{name}
  DescribeBackupVault                   GET    /backup-vaults/{name}      VaultType and VaultState for every vault
  ListBackupVaults                      GET    /backup-vaults/            ByVaultType (?vaultType=) filters
  DeleteBackupVault                     DELETE /backup-vaults/{name}      an air-gapped vault must be empty

An air-gapped vault lives in ministack's own vault table (so recovery points, jobs and tags work on it as on any
vault), with VaultType LOGICALLY_AIR_GAPPED_BACKUP_VAULT, Locked true and the MinRetentionDays/MaxRetentionDays it
was created with (AWS: "The minimum value accepted is 7 days"). CreatorRequestId is the operation's idempotency
token: a create repeating the token of the vault of that name answers with that vault, any other create of a
taken name is AlreadyExistsException. A new vault is CREATING for its first BACKUP_PLUS_AIR_GAPPED_CREATING_POLLS
describes (default 0), then AVAILABLE. Copy jobs do not run.
"""
import os
import time

from ministack.core.responses import AccountRegionScopedDict, get_account_id, get_region
from ministack.services import backup as _backup

LOGICALLY_AIR_GAPPED = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
_CREATING_POLLS = int(os.environ.get("BACKUP_PLUS_AIR_GAPPED_CREATING_POLLS", "0"))
_describes = AccountRegionScopedDict()   # air-gapped vault name -> describes answered while CREATING
STATES = (_describes,)


def _create(name, body, validate, respond, err):
    bad = validate("CreateLogicallyAirGappedBackupVault", body)
    if bad:
        return bad
    low, high = body["MinRetentionDays"], body["MaxRetentionDays"]
    if low < 7:
        return err("InvalidParameterValueException", "MinRetentionDays must be at least 7.")
    if low > high:
        return err("InvalidParameterValueException", "MinRetentionDays is greater than MaxRetentionDays.")
    token = body.get("CreatorRequestId")
    existing = _backup._vaults.get(name)
    if existing is not None:
        if token and existing.get("VaultType") == LOGICALLY_AIR_GAPPED and existing.get("CreatorRequestId") == token:
            return respond(200, _created(existing))
        return err("AlreadyExistsException", f"Backup vault {name} already exists.", 409)
    vault = {
        "BackupVaultName": name,
        "BackupVaultArn": f"arn:aws:backup:{get_region()}:{get_account_id()}:backup-vault:{name}",
        "VaultType": LOGICALLY_AIR_GAPPED,
        "VaultState": "CREATING" if _CREATING_POLLS > 0 else "AVAILABLE",
        "CreationDate": time.time(),
        "EncryptionKeyArn": body.get("EncryptionKeyArn", ""),
        "BackupVaultTags": body.get("BackupVaultTags", {}),
        "CreatorRequestId": token or "",
        "NumberOfRecoveryPoints": 0,
        "Locked": True,
        "MinRetentionDays": low,
        "MaxRetentionDays": high,
    }
    _backup._vaults[name] = vault
    return respond(200, _created(vault))


def _created(vault):
    return {k: vault[k] for k in ("BackupVaultName", "BackupVaultArn", "CreationDate", "VaultState")}


def _described(vault):
    """DescribeBackupVault's answer: every vault has a type and a state on AWS."""
    answer = dict(vault)
    answer.setdefault("VaultType", "BACKUP_VAULT")
    answer.setdefault("VaultState", "AVAILABLE")
    if answer["VaultState"] == "CREATING":
        name = vault["BackupVaultName"]
        seen = _describes.get(name, 0) + 1
        _describes[name] = seen
        if seen > _CREATING_POLLS:
            vault["VaultState"] = answer["VaultState"] = "AVAILABLE"
    return answer


def _query(query_params, name):
    value = query_params.get(name)
    return value[0] if isinstance(value, list) else value


def _list(query_params, respond, err):
    by_type = _query(query_params, "vaultType")
    if by_type is not None and by_type not in ("BACKUP_VAULT", LOGICALLY_AIR_GAPPED, "RESTORE_ACCESS_BACKUP_VAULT"):
        return err("ValidationException", f"vaultType {by_type!r} is not a VaultType.")
    vaults = [_listed(v) for v in _backup._vaults.values()]
    if by_type is not None:
        vaults = [v for v in vaults if v["VaultType"] == by_type]
    start = int(_query(query_params, "nextToken") or 0)
    size = int(_query(query_params, "maxResults") or 1000)
    page = {"BackupVaultList": vaults[start:start + size]}
    if start + size < len(vaults):
        page["NextToken"] = str(start + size)
    return respond(200, page)


def _listed(vault):
    """A BackupVaultListMember: the describe fields the list shape has."""
    members = ("BackupVaultName", "BackupVaultArn", "VaultType", "VaultState", "CreationDate", "EncryptionKeyArn",
               "CreatorRequestId", "NumberOfRecoveryPoints", "Locked", "MinRetentionDays", "MaxRetentionDays",
               "LockDate")
    listed = {k: vault[k] for k in members if k in vault}
    listed.setdefault("VaultType", "BACKUP_VAULT")
    listed.setdefault("VaultState", "AVAILABLE")
    return listed


def handle(method, parts, query_params, body, validate, respond, err):
    """The answer to an air-gapped vault request, or None for requests this module leaves alone."""
    if len(parts) == 2 and parts[0] == "logically-air-gapped-backup-vaults" and method == "PUT":
        return _create(parts[1], body, validate, respond, err)
    if parts == ["backup-vaults"] and method == "GET":
        return _list(query_params, respond, err)
    if len(parts) == 2 and parts[0] == "backup-vaults":
        vault = _backup._vaults.get(parts[1])
        if vault is None:
            return None
        if method == "GET":
            return respond(200, _described(vault))
        if method == "DELETE" and vault.get("VaultType") == LOGICALLY_AIR_GAPPED:
            if vault.get("NumberOfRecoveryPoints", 0) > 0:
                return err("InvalidRequestException",
                           f"Backup vault {parts[1]} cannot be deleted because it contains recovery points.")
            _describes.pop(parts[1], None)
    return None
