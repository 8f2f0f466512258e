-- 0001_orleans_adonet.sql
--
-- Schema for the Orleans 10.4.2 ADO.NET providers (invariant "Npgsql"): clustering,
-- grain persistence and reminders. The NuGet packages ship no SQL, so this file is the
-- contract between the silo and PostgreSQL. It was written against what the 10.4.2
-- provider assemblies actually do, not against any particular upstream script revision:
--
--   * Each provider loads its queries from OrleansQuery at start and refuses to start
--     when a key it needs is missing. It binds parameters by name (@DeploymentId, ...)
--     and reads result columns by name, case-insensitively. Parameter and column names
--     below are therefore fixed by the provider; everything else is ours to choose.
--   * Every DateTime the providers bind is DbType.DateTime with Kind=Utc, which Npgsql
--     sends as timestamptz. Columns are timestamptz so no session TimeZone setting can
--     shift a value on its way in or out.
--   * Etags (membership table version, grain state version, reminder version) are parsed
--     as Int32 on the .NET side, so those columns must stay integer, not bigint.
--
-- Run by DbUp as the owner role in one transaction, and safe to run again: tables and
-- indexes are IF NOT EXISTS, functions are CREATE OR REPLACE, and query rows are
-- upserted so that editing a query here and re-running takes effect.
-- Only anonymous $$ quoting is used: DbUp treats a dollar-tag with a name as a variable.


-- ---------------------------------------------------------------------------------------
-- Query catalogue
-- ---------------------------------------------------------------------------------------

-- Keeping the SQL in rows rather than in the assemblies is what lets us tune a query
-- without rebuilding the silo; the key is the name the provider asks for.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);


-- ---------------------------------------------------------------------------------------
-- Clustering (Microsoft.Orleans.Clustering.AdoNet)
-- ---------------------------------------------------------------------------------------

-- One row per cluster. Its Version is the optimistic-concurrency token for the whole
-- membership view: every membership write must present the version it read, and bumps it.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp    timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation; a restarted silo comes back with a new Generation, so the
-- old incarnation's row stays until the cleanup below removes it.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address      varchar(45)  NOT NULL,   -- long enough for any textual IPv6 address
    Port         integer      NOT NULL,
    Generation   integer      NOT NULL,
    SiloName     varchar(150) NOT NULL,
    HostName     varchar(150) NOT NULL,
    Status       integer      NOT NULL,   -- Orleans SiloStatus: 3 = Active, 6 = Dead
    -- The reader converts this with Convert.ToInt32, which fails on NULL; silos without
    -- a gateway write 0.
    ProxyPort    integer      NOT NULL DEFAULT 0,
    SuspectTimes text         NULL,       -- "silo,time|silo,time", opaque to SQL
    StartTime    timestamptz  NOT NULL,
    IAmAliveTime timestamptz  NOT NULL,

    CONSTRAINT PK_OrleansMembershipTable PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_OrleansMembershipTable_Version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Insert and update must change the member row and the version row atomically, and must
-- change neither when the caller's version is stale or the member row is in the wrong
-- state. Each does its work inside a plpgsql block, whose implicit savepoint undoes the
-- version bump when the member write fails. Updating the version row first also takes its
-- row lock before anything else, so concurrent membership writers of one cluster queue up
-- behind each other instead of racing.
CREATE OR REPLACE FUNCTION orleans_insert_membership(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_silo_name       text,
    p_host_name       text,
    p_status          integer,
    p_proxy_port      integer,
    p_start_time      timestamptz,
    p_i_am_alive_time timestamptz,
    p_version         integer)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_version;

    IF NOT FOUND THEN
        RETURN false;   -- someone else changed the view since the caller read it
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName,
         Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, p_proxy_port, p_start_time, p_i_am_alive_time);

    RETURN true;
EXCEPTION
    WHEN unique_violation THEN
        -- This incarnation is already registered: report failure, keep the version.
        RETURN false;
END;
$$;

CREATE OR REPLACE FUNCTION orleans_update_membership(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_status          integer,
    p_suspect_times   text,
    p_i_am_alive_time timestamptz,
    p_version         integer)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_version;

    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE OrleansMembershipTable
       SET Status = p_status,
           SuspectTimes = p_suspect_times,
           -- A delayed write must not move the liveness stamp backwards.
           IAmAliveTime = GREATEST(IAmAliveTime, p_i_am_alive_time)
     WHERE DeploymentId = p_deployment_id
       AND Address = p_address
       AND Port = p_port
       AND Generation = p_generation;

    IF NOT FOUND THEN
        -- Raising is the only way to make the block's savepoint undo the version bump.
        RAISE EXCEPTION 'membership row not found' USING ERRCODE = 'no_data_found';
    END IF;

    RETURN true;
EXCEPTION
    WHEN no_data_found THEN
        RETURN false;
END;
$$;


-- ---------------------------------------------------------------------------------------
-- Grain persistence (Microsoft.Orleans.Persistence.AdoNet)
-- ---------------------------------------------------------------------------------------

-- The provider identifies a state by two hashes plus the full identity. GrainIdHash and
-- GrainTypeHash are computed in .NET (10.x default: Orleans StableHash over the key bytes
-- and over the UTF-8 "grain type") and exist only to make the lookup index narrow; the
-- identity columns are always compared too, so a hash collision cannot mix states up.
-- The "grain type" the runtime passes is the state name from [PersistentState(name)],
-- not the grain class, and the key carries no grain type either: two grain classes that
-- use the same key and the same state name share one row, so state names must be unique
-- per grain class.
-- Guid keys arrive split into GrainIdN0/N1, integer keys in GrainIdN1, string keys (and
-- key extensions) in GrainIdExtensionString.
-- 10.x writes every serializer's output (JSON by default) as bytes into PayloadBinary;
-- there are no JSON or XML payload columns any more.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,     -- NULL after ClearState keeps the version
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL
);

-- Unique rather than a plain lookup index: when two activations of one grain exist
-- (e.g. during a membership split) and both write a first state, exactly one insert may
-- win. NULLS NOT DISTINCT (PostgreSQL 15) makes "no extension" a value like any other.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1,
                       ServiceId, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

-- Returns the new version, or NULL when the write lost: a NULL comes back to the provider
-- as an empty etag, which it reports as InconsistentStateException.
CREATE OR REPLACE FUNCTION orleans_write_grain_state(
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_type_hash  integer,
    p_grain_type       text,
    p_grain_id_ext     text,
    p_service_id       text,
    p_expected_version integer,
    p_payload          bytea)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        -- The activation never saw a stored row, so it may only create one.
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
             p_grain_id_ext, p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING Version INTO v_new_version;
    ELSE
        -- Succeeds only if nobody wrote since the activation read version p_expected_version.
        UPDATE OrleansStorage
           SET PayloadBinary = p_payload,
               ModifiedOn = now(),
               Version = Version + 1
         WHERE GrainIdHash = p_grain_id_hash
           AND GrainTypeHash = p_grain_type_hash
           AND GrainIdN0 = p_grain_id_n0
           AND GrainIdN1 = p_grain_id_n1
           AND ServiceId = p_service_id
           AND GrainTypeString = p_grain_type
           AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
           AND Version = p_expected_version
        RETURNING Version INTO v_new_version;
    END IF;

    RETURN v_new_version;
END;
$$;


-- ---------------------------------------------------------------------------------------
-- Reminders (Microsoft.Orleans.Reminders.AdoNet)
-- ---------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    varchar(150) NOT NULL,
    GrainId      varchar(512) NOT NULL,   -- GrainId.ToString(): "type/key", string keys can be long
    ReminderName varchar(150) NOT NULL,
    StartTime    timestamptz  NOT NULL,
    -- Milliseconds. The provider binds Int32 when the period fits and Int64 when it does
    -- not, and reads it back as Int64, so the column must be bigint.
    Period       bigint       NOT NULL,
    -- Signed view of the grain's uint uniform hash; silos own ranges of it.
    GrainHash    integer      NOT NULL,
    Version      integer      NOT NULL,

    CONSTRAINT PK_OrleansRemindersTable PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Each silo periodically loads the reminders of its hash range; without this index that
-- is a scan of every reminder of every service.
CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);


-- ---------------------------------------------------------------------------------------
-- Query rows
-- ---------------------------------------------------------------------------------------
-- Membership status codes used below: 3 = Active, 6 = Dead.

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES

-- Clustering ------------------------------------------------------------------------------

-- Creates the cluster's version row on first start; a single boolean says whether this
-- call created it (the provider only logs it).
('InsertMembershipVersionKey', $$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created;
$$),

('InsertMembershipKey', $$
SELECT orleans_insert_membership(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$$),

('UpdateMembershipKey', $$
SELECT orleans_update_membership(
    @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
    @IAmAliveTime, @Version);
$$),

-- The heartbeat. It deliberately leaves the version alone: bumping it every few seconds
-- per silo would make every other membership write retry. GREATEST keeps an out-of-order
-- heartbeat from moving the stamp backwards.
('UpdateIAmAlivetimeKey', $$
UPDATE OrleansMembershipTable
   SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation;
$$),

-- Both reads start from the version row and LEFT JOIN the members: the provider takes the
-- table version from the first row, so a cluster with no (matching) silo must still
-- return exactly one row, whose member columns are NULL.
('MembershipReadRowKey', $$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
        AND m.Address = @Address
        AND m.Port = @Port
        AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId;
$$),

('MembershipReadAllKey', $$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId;
$$),

-- Used by tooling and tests to forget a cluster; members first because of the foreign key.
('DeleteMembershipTableEntriesKey', $$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$$),

-- Clients discover gateways here: active silos that listen for clients.
('GatewaysQueryKey', $$
SELECT Address, ProxyPort, Generation
  FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = @Status
   AND ProxyPort > 0;
$$),

-- 10.4.2 refuses to start without this key, but only runs it when the per-row query
-- below is absent. Kept equivalent in spirit: remove only Dead incarnations that have
-- been silent since before the cut-off, never a live or joining silo.
('CleanupDefunctSiloEntriesKey', $$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = 6
   AND IAmAliveTime < @IAmAliveTime
   AND StartTime < @IAmAliveTime;
$$),

-- Optional in 10.4.2 and preferred when present: the provider picks expired Dead rows
-- itself and deletes each one only if it still holds exactly the values it read, so a
-- row that changed in between survives. SuspectTimes is compared with NULL and '' as
-- equal because the provider reads '' back as "no suspicions" and then binds NULL.
('CleanupDefunctSiloEntryKey', $$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation
   AND Status = 6
   AND StartTime = @StartTime
   AND IAmAliveTime = @IAmAliveTime
   AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$$),

-- Grain persistence -----------------------------------------------------------------------

('WriteToStorageKey', $$
SELECT orleans_write_grain_state(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary)
    AS NewGrainStateVersion;
$$),

-- No row means "never written"; a row with NULL payload means "cleared", and its Version
-- is still returned so the next write continues the version sequence.
('ReadFromStorageKey', $$
SELECT PayloadBinary, Version
  FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$$),

-- Default ClearStateAsync: keep the row as a tombstone so a stale activation that still
-- holds the old etag cannot resurrect the state.
('ClearStorageKey', $$
UPDATE OrleansStorage
   SET PayloadBinary = NULL,
       ModifiedOn = now(),
       Version = Version + 1
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$$),

-- Used only with DeleteStateOnClear = true (without this row that option fails at start).
-- The provider checks that the returned value differs from the etag it sent, so the
-- deleted row's version is returned one higher.
('DeleteStorageKey', $$
DELETE FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$$),

-- Reminders -------------------------------------------------------------------------------

-- Registering an existing reminder again replaces its schedule; the new version is the
-- etag the grain must present to unregister it.
('UpsertReminderRowKey', $$
INSERT INTO OrleansRemindersTable
    (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 1)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
   SET StartTime = EXCLUDED.StartTime,
       Period = EXCLUDED.Period,
       GrainHash = EXCLUDED.GrainHash,
       Version = OrleansRemindersTable.Version + 1
RETURNING Version;
$$),

('ReadReminderRowsKey', $$
SELECT GrainId, ReminderName, StartTime, Period, Version
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND GrainId = @GrainId;
$$),

('ReadReminderRowKey', $$
SELECT GrainId, ReminderName, StartTime, Period, Version
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND GrainId = @GrainId
   AND ReminderName = @ReminderName;
$$),

-- The provider compares the range bounds as signed integers and picks this query when
-- BeginHash < EndHash, i.e. the range (BeginHash, EndHash] does not wrap around.
('ReadRangeRows1Key', $$
SELECT GrainId, ReminderName, StartTime, Period, Version
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND GrainHash > @BeginHash
   AND GrainHash <= @EndHash;
$$),

-- ... and this one when the range wraps past the top of the signed integer space.
('ReadRangeRows2Key', $$
SELECT GrainId, ReminderName, StartTime, Period, Version
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$$),

-- Only the holder of the current etag may unregister; one boolean says whether it did.
('DeleteReminderRowKey', $$
WITH removed AS (
    DELETE FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND GrainId = @GrainId
       AND ReminderName = @ReminderName
       AND Version = @Version
    RETURNING 1
)
SELECT count(*) > 0 FROM removed;
$$),

('DeleteReminderRowsKey', $$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;


-- ---------------------------------------------------------------------------------------
-- Privileges for the application role
-- ---------------------------------------------------------------------------------------

-- The silo only ever reads the catalogue; letting it write there would let a compromised
-- silo change the SQL every other silo runs.
GRANT SELECT ON OrleansQuery TO pulsepoint_app;

GRANT SELECT, INSERT, UPDATE, DELETE
    ON OrleansMembershipVersionTable,
       OrleansMembershipTable,
       OrleansStorage,
       OrleansRemindersTable
    TO pulsepoint_app;

-- PostgreSQL grants EXECUTE on new functions to PUBLIC; take that back so only the
-- application role can call them. They run with the caller's rights (SECURITY INVOKER),
-- so the table grants above still decide what they may touch.
REVOKE ALL ON FUNCTION
    orleans_insert_membership(text, text, integer, integer, text, text, integer, integer,
                              timestamptz, timestamptz, integer),
    orleans_update_membership(text, text, integer, integer, integer, text, timestamptz, integer),
    orleans_write_grain_state(integer, bigint, bigint, integer, text, text, text, integer, bytea)
    FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    orleans_insert_membership(text, text, integer, integer, text, text, integer, integer,
                              timestamptz, timestamptz, integer),
    orleans_update_membership(text, text, integer, integer, integer, text, timestamptz, integer),
    orleans_write_grain_state(integer, bigint, bigint, integer, text, text, text, integer, bytea)
    TO pulsepoint_app;

-- The tables were created in whatever schema leads the owner's search_path; the app role
-- needs USAGE on it even if PUBLIC's default USAGE on "public" has been revoked.
-- No sequences are created here (no serial or identity columns), so none are granted.
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO pulsepoint_app', current_schema());
END;
$$;
