-- Scenario scaffolding of molecule/freeswitch (to be replaced by the postgres_bdr
-- role's schema): FreeSWITCH v1.10.12's core, sofia and verto tables, generated
-- from the layout FreeSWITCH itself creates (switch_core_sqldb.c, sofia_glue.c,
-- mod_verto.c), so FreeSWITCH can run with auto-create-schemas=false.

CREATE TABLE IF NOT EXISTS complete (
  sticky INTEGER,
  a1 VARCHAR(128),
  a2 VARCHAR(128),
  a3 VARCHAR(128),
  a4 VARCHAR(128),
  a5 VARCHAR(128),
  a6 VARCHAR(128),
  a7 VARCHAR(128),
  a8 VARCHAR(128),
  a9 VARCHAR(128),
  a10 VARCHAR(128),
  hostname VARCHAR(256)
);
CREATE TABLE IF NOT EXISTS aliases (
  sticky INTEGER,
  alias VARCHAR(128),
  command VARCHAR(4096),
  hostname VARCHAR(256)
);
CREATE TABLE IF NOT EXISTS channels (
  uuid VARCHAR(256),
  direction VARCHAR(32),
  created VARCHAR(128),
  created_epoch INTEGER,
  name VARCHAR(1024),
  state VARCHAR(64),
  cid_name VARCHAR(1024),
  cid_num VARCHAR(256),
  ip_addr VARCHAR(256),
  dest VARCHAR(1024),
  application VARCHAR(128),
  application_data VARCHAR(4096),
  dialplan VARCHAR(128),
  context VARCHAR(128),
  read_codec VARCHAR(128),
  read_rate VARCHAR(32),
  read_bit_rate VARCHAR(32),
  write_codec VARCHAR(128),
  write_rate VARCHAR(32),
  write_bit_rate VARCHAR(32),
  secure VARCHAR(64),
  hostname VARCHAR(256),
  presence_id VARCHAR(4096),
  presence_data VARCHAR(4096),
  accountcode VARCHAR(256),
  callstate VARCHAR(64),
  callee_name VARCHAR(1024),
  callee_num VARCHAR(256),
  callee_direction VARCHAR(5),
  call_uuid VARCHAR(256),
  sent_callee_name VARCHAR(1024),
  sent_callee_num VARCHAR(256),
  initial_cid_name VARCHAR(1024),
  initial_cid_num VARCHAR(256),
  initial_ip_addr VARCHAR(256),
  initial_dest VARCHAR(1024),
  initial_dialplan VARCHAR(128),
  initial_context VARCHAR(128)
);
CREATE TABLE IF NOT EXISTS calls (
  call_uuid VARCHAR(255),
  call_created VARCHAR(128),
  call_created_epoch INTEGER,
  caller_uuid VARCHAR(256),
  callee_uuid VARCHAR(256),
  hostname VARCHAR(256)
);
CREATE TABLE IF NOT EXISTS interfaces (
  type VARCHAR(128),
  name VARCHAR(1024),
  description VARCHAR(4096),
  ikey VARCHAR(1024),
  filename VARCHAR(4096),
  syntax VARCHAR(4096),
  hostname VARCHAR(256)
);
CREATE TABLE IF NOT EXISTS tasks (
  task_id INTEGER,
  task_desc VARCHAR(4096),
  task_group VARCHAR(1024),
  task_runtime BIGINT,
  task_sql_manager INTEGER,
  hostname VARCHAR(256)
);
CREATE TABLE IF NOT EXISTS nat (
  sticky INTEGER,
  port INTEGER,
  proto INTEGER,
  hostname VARCHAR(256)
);
CREATE TABLE IF NOT EXISTS registrations (
  reg_user VARCHAR(256),
  realm VARCHAR(256),
  token VARCHAR(256),
  url TEXT,
  expires INTEGER,
  network_ip VARCHAR(256),
  network_port VARCHAR(256),
  network_proto VARCHAR(256),
  hostname VARCHAR(256),
  metadata VARCHAR(256)
);
CREATE TABLE IF NOT EXISTS recovery (
  runtime_uuid VARCHAR(255),
  technology VARCHAR(255),
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  uuid VARCHAR(255),
  metadata text
);
CREATE TABLE IF NOT EXISTS sip_registrations (
  call_id VARCHAR(255),
  sip_user VARCHAR(255),
  sip_host VARCHAR(255),
  presence_hosts VARCHAR(255),
  contact VARCHAR(1024),
  status VARCHAR(255),
  ping_status VARCHAR(255),
  ping_count INTEGER,
  ping_time BIGINT,
  force_ping INTEGER,
  rpid VARCHAR(255),
  expires BIGINT,
  ping_expires INTEGER not null default 0,
  user_agent VARCHAR(255),
  server_user VARCHAR(255),
  server_host VARCHAR(255),
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  network_ip VARCHAR(255),
  network_port VARCHAR(6),
  sip_username VARCHAR(255),
  sip_realm VARCHAR(255),
  mwi_user VARCHAR(255),
  mwi_host VARCHAR(255),
  orig_server_host VARCHAR(255),
  orig_hostname VARCHAR(255),
  sub_host VARCHAR(255)
);
CREATE TABLE IF NOT EXISTS sip_presence (
  sip_user VARCHAR(255),
  sip_host VARCHAR(255),
  status VARCHAR(255),
  rpid VARCHAR(255),
  expires BIGINT,
  user_agent VARCHAR(255),
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  network_ip VARCHAR(255),
  network_port VARCHAR(6),
  open_closed VARCHAR(255)
);
CREATE TABLE IF NOT EXISTS sip_dialogs (
  call_id VARCHAR(255),
  uuid VARCHAR(255),
  sip_to_user VARCHAR(255),
  sip_to_host VARCHAR(255),
  sip_from_user VARCHAR(255),
  sip_from_host VARCHAR(255),
  contact_user VARCHAR(255),
  contact_host VARCHAR(255),
  state VARCHAR(255),
  direction VARCHAR(255),
  user_agent VARCHAR(255),
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  contact VARCHAR(255),
  presence_id VARCHAR(255),
  presence_data VARCHAR(255),
  call_info VARCHAR(255),
  call_info_state VARCHAR(255) default '',
  expires BIGINT default 0,
  status VARCHAR(255),
  rpid VARCHAR(255),
  sip_to_tag VARCHAR(255),
  sip_from_tag VARCHAR(255),
  rcd INTEGER not null default 0
);
CREATE TABLE IF NOT EXISTS sip_subscriptions (
  proto VARCHAR(255),
  sip_user VARCHAR(255),
  sip_host VARCHAR(255),
  sub_to_user VARCHAR(255),
  sub_to_host VARCHAR(255),
  presence_hosts VARCHAR(255),
  event VARCHAR(255),
  contact VARCHAR(1024),
  call_id VARCHAR(255),
  full_from VARCHAR(255),
  full_via VARCHAR(255),
  expires BIGINT,
  user_agent VARCHAR(255),
  accept VARCHAR(255),
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  network_port VARCHAR(6),
  network_ip VARCHAR(255),
  version INTEGER DEFAULT 0 NOT NULL,
  orig_proto VARCHAR(255),
  full_to VARCHAR(255)
);
CREATE TABLE IF NOT EXISTS sip_authentication (
  nonce VARCHAR(255),
  expires BIGINT,
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  last_nc INTEGER,
  algorithm INTEGER DEFAULT 1 NOT NULL
);
CREATE TABLE IF NOT EXISTS sip_shared_appearance_subscriptions (
  subscriber VARCHAR(255),
  call_id VARCHAR(255),
  aor VARCHAR(255),
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  contact_str VARCHAR(255),
  network_ip VARCHAR(255)
);
CREATE TABLE IF NOT EXISTS sip_shared_appearance_dialogs (
  profile_name VARCHAR(255),
  hostname VARCHAR(255),
  contact_str VARCHAR(255),
  call_id VARCHAR(255),
  network_ip VARCHAR(255),
  expires BIGINT
);
CREATE TABLE IF NOT EXISTS json_store (
  name varchar(255) not null,
  data text
);
CREATE INDEX IF NOT EXISTS alias1 ON aliases (alias);
CREATE INDEX IF NOT EXISTS callsidx1 ON calls (hostname);
CREATE INDEX IF NOT EXISTS eeuuindex ON calls (callee_uuid);
CREATE INDEX IF NOT EXISTS eeuuindex2 ON calls (call_uuid);
CREATE INDEX IF NOT EXISTS eruuindex ON calls (caller_uuid,hostname);
CREATE INDEX IF NOT EXISTS chidx1 ON channels (hostname);
CREATE INDEX IF NOT EXISTS uuindex ON channels (uuid,hostname);
CREATE INDEX IF NOT EXISTS uuindex2 ON channels (call_uuid);
CREATE INDEX IF NOT EXISTS complete1 ON complete (a1,hostname);
CREATE INDEX IF NOT EXISTS complete10 ON complete (a10,hostname);
CREATE INDEX IF NOT EXISTS complete11 ON complete (a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,hostname);
CREATE INDEX IF NOT EXISTS complete2 ON complete (a2,hostname);
CREATE INDEX IF NOT EXISTS complete3 ON complete (a3,hostname);
CREATE INDEX IF NOT EXISTS complete4 ON complete (a4,hostname);
CREATE INDEX IF NOT EXISTS complete5 ON complete (a5,hostname);
CREATE INDEX IF NOT EXISTS complete6 ON complete (a6,hostname);
CREATE INDEX IF NOT EXISTS complete7 ON complete (a7,hostname);
CREATE INDEX IF NOT EXISTS complete8 ON complete (a8,hostname);
CREATE INDEX IF NOT EXISTS complete9 ON complete (a9,hostname);
CREATE INDEX IF NOT EXISTS nat_map_port_proto ON nat (port,proto,hostname);
CREATE INDEX IF NOT EXISTS recovery1 ON recovery (technology);
CREATE INDEX IF NOT EXISTS recovery2 ON recovery (profile_name);
CREATE INDEX IF NOT EXISTS recovery3 ON recovery (uuid);
CREATE INDEX IF NOT EXISTS recovery4 ON recovery (runtime_uuid);
CREATE INDEX IF NOT EXISTS regindex1 ON registrations (reg_user,realm,hostname);
CREATE INDEX IF NOT EXISTS tasks1 ON tasks (hostname,task_id);
CREATE INDEX IF NOT EXISTS sa_expires ON sip_authentication (expires);
CREATE INDEX IF NOT EXISTS sa_hostname ON sip_authentication (hostname);
CREATE INDEX IF NOT EXISTS sa_last_nc ON sip_authentication (last_nc);
CREATE INDEX IF NOT EXISTS sa_nonce ON sip_authentication (nonce);
CREATE INDEX IF NOT EXISTS sd_call_id ON sip_dialogs (call_id);
CREATE INDEX IF NOT EXISTS sd_call_info ON sip_dialogs (call_info);
CREATE INDEX IF NOT EXISTS sd_call_info_state ON sip_dialogs (call_info_state);
CREATE INDEX IF NOT EXISTS sd_expires ON sip_dialogs (expires);
CREATE INDEX IF NOT EXISTS sd_hostname ON sip_dialogs (hostname);
CREATE INDEX IF NOT EXISTS sd_presence_data ON sip_dialogs (presence_data);
CREATE INDEX IF NOT EXISTS sd_presence_id ON sip_dialogs (presence_id);
CREATE INDEX IF NOT EXISTS sd_rcd ON sip_dialogs (rcd);
CREATE INDEX IF NOT EXISTS sd_sip_from_host ON sip_dialogs (sip_from_host);
CREATE INDEX IF NOT EXISTS sd_sip_from_tag ON sip_dialogs (sip_from_tag);
CREATE INDEX IF NOT EXISTS sd_sip_from_user ON sip_dialogs (sip_from_user);
CREATE INDEX IF NOT EXISTS sd_sip_to_host ON sip_dialogs (sip_to_host);
CREATE INDEX IF NOT EXISTS sd_sip_to_tag ON sip_dialogs (sip_to_tag);
CREATE INDEX IF NOT EXISTS sd_uuid ON sip_dialogs (uuid);
CREATE INDEX IF NOT EXISTS sp_expires ON sip_presence (expires);
CREATE INDEX IF NOT EXISTS sp_hostname ON sip_presence (hostname);
CREATE INDEX IF NOT EXISTS sp_open_closed ON sip_presence (open_closed);
CREATE INDEX IF NOT EXISTS sp_profile_name ON sip_presence (profile_name);
CREATE INDEX IF NOT EXISTS sp_sip_host ON sip_presence (sip_host);
CREATE INDEX IF NOT EXISTS sp_sip_user ON sip_presence (sip_user);
CREATE INDEX IF NOT EXISTS sr_call_id ON sip_registrations (call_id);
CREATE INDEX IF NOT EXISTS sr_contact ON sip_registrations (contact);
CREATE INDEX IF NOT EXISTS sr_expires ON sip_registrations (expires);
CREATE INDEX IF NOT EXISTS sr_hostname ON sip_registrations (hostname);
CREATE INDEX IF NOT EXISTS sr_mwi_host ON sip_registrations (mwi_host);
CREATE INDEX IF NOT EXISTS sr_mwi_user ON sip_registrations (mwi_user);
CREATE INDEX IF NOT EXISTS sr_network_ip ON sip_registrations (network_ip);
CREATE INDEX IF NOT EXISTS sr_network_port ON sip_registrations (network_port);
CREATE INDEX IF NOT EXISTS sr_orig_hostname ON sip_registrations (orig_hostname);
CREATE INDEX IF NOT EXISTS sr_orig_server_host ON sip_registrations (orig_server_host);
CREATE INDEX IF NOT EXISTS sr_ping_expires ON sip_registrations (ping_expires);
CREATE INDEX IF NOT EXISTS sr_ping_status ON sip_registrations (ping_status);
CREATE INDEX IF NOT EXISTS sr_presence_hosts ON sip_registrations (presence_hosts);
CREATE INDEX IF NOT EXISTS sr_profile_name ON sip_registrations (profile_name);
CREATE INDEX IF NOT EXISTS sr_sip_host ON sip_registrations (sip_host);
CREATE INDEX IF NOT EXISTS sr_sip_realm ON sip_registrations (sip_realm);
CREATE INDEX IF NOT EXISTS sr_sip_user ON sip_registrations (sip_user);
CREATE INDEX IF NOT EXISTS sr_sip_username ON sip_registrations (sip_username);
CREATE INDEX IF NOT EXISTS sr_status ON sip_registrations (status);
CREATE INDEX IF NOT EXISTS sr_sub_host ON sip_registrations (sub_host);
CREATE INDEX IF NOT EXISTS ssd_call_id ON sip_shared_appearance_dialogs (call_id);
CREATE INDEX IF NOT EXISTS ssd_contact_str ON sip_shared_appearance_dialogs (contact_str);
CREATE INDEX IF NOT EXISTS ssd_expires ON sip_shared_appearance_dialogs (expires);
CREATE INDEX IF NOT EXISTS ssd_hostname ON sip_shared_appearance_dialogs (hostname);
CREATE INDEX IF NOT EXISTS ssd_profile_name ON sip_shared_appearance_dialogs (profile_name);
CREATE INDEX IF NOT EXISTS ssa_aor ON sip_shared_appearance_subscriptions (aor);
CREATE INDEX IF NOT EXISTS ssa_hostname ON sip_shared_appearance_subscriptions (hostname);
CREATE INDEX IF NOT EXISTS ssa_network_ip ON sip_shared_appearance_subscriptions (network_ip);
CREATE INDEX IF NOT EXISTS ssa_profile_name ON sip_shared_appearance_subscriptions (profile_name);
CREATE INDEX IF NOT EXISTS ssa_subscriber ON sip_shared_appearance_subscriptions (subscriber);
CREATE INDEX IF NOT EXISTS ss_call_id ON sip_subscriptions (call_id);
CREATE INDEX IF NOT EXISTS ss_contact ON sip_subscriptions (contact);
CREATE INDEX IF NOT EXISTS ss_event ON sip_subscriptions (event);
CREATE INDEX IF NOT EXISTS ss_expires ON sip_subscriptions (expires);
CREATE INDEX IF NOT EXISTS ss_full_from ON sip_subscriptions (full_from);
CREATE INDEX IF NOT EXISTS ss_hostname ON sip_subscriptions (hostname);
CREATE INDEX IF NOT EXISTS ss_multi ON sip_subscriptions (call_id,profile_name,hostname);
CREATE INDEX IF NOT EXISTS ss_network_ip ON sip_subscriptions (network_ip);
CREATE INDEX IF NOT EXISTS ss_network_port ON sip_subscriptions (network_port);
CREATE INDEX IF NOT EXISTS ss_orig_proto ON sip_subscriptions (orig_proto);
CREATE INDEX IF NOT EXISTS ss_presence_hosts ON sip_subscriptions (presence_hosts);
CREATE INDEX IF NOT EXISTS ss_profile_name ON sip_subscriptions (profile_name);
CREATE INDEX IF NOT EXISTS ss_proto ON sip_subscriptions (proto);
CREATE INDEX IF NOT EXISTS ss_sip_host ON sip_subscriptions (sip_host);
CREATE INDEX IF NOT EXISTS ss_sip_user ON sip_subscriptions (sip_user);
CREATE INDEX IF NOT EXISTS ss_sub_to_host ON sip_subscriptions (sub_to_host);
CREATE INDEX IF NOT EXISTS ss_sub_to_user ON sip_subscriptions (sub_to_user);
CREATE INDEX IF NOT EXISTS ss_version ON sip_subscriptions (version);
