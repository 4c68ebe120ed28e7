<?php
// Managed by hobbynet.infra.poweradmin: creates Poweradmin's administrator once and sets its
// password again only when it no longer matches the one given (password_verify). Reads a JSON
// object on stdin (socket, database, user, password, email, fullname), never the password from
// the command line; prints {"changed": bool, "action": "..."}. --check reports without writing.
// Runs as root and logs in as root over the unix socket (MariaDB's unix_socket authentication).
declare(strict_types=1);

$check = in_array('--check', $argv, true);
$in = json_decode(stream_get_contents(STDIN), true, 8, JSON_THROW_ON_ERROR);
foreach (['socket', 'database', 'user', 'password', 'email', 'fullname'] as $key) {
    if (!isset($in[$key]) || !is_string($in[$key]) || $in[$key] === '') {
        fwrite(STDERR, "poweradmin-admin: missing input '$key'\n");
        exit(2);
    }
}
$pdo = new PDO(
    sprintf('mysql:unix_socket=%s;dbname=%s;charset=utf8mb4', $in['socket'], $in['database']),
    'root',
    '',
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_EMULATE_PREPARES => false]
);
// The administrator template of Poweradmin's structure ('Administrator', type user).
$templ = $pdo->query("SELECT id FROM perm_templ WHERE name = 'Administrator' ORDER BY id LIMIT 1")->fetchColumn();
if ($templ === false) {
    fwrite(STDERR, "poweradmin-admin: no 'Administrator' permission template: is Poweradmin's structure loaded?\n");
    exit(1);
}
$row = $pdo->prepare('SELECT id, password, active FROM users WHERE username = ?');
$row->execute([$in['user']]);
$user = $row->fetch(PDO::FETCH_ASSOC);
$hash = fn (): string => password_hash($in['password'], PASSWORD_BCRYPT, ['cost' => 12]);

if ($user === false) {
    if (!$check) {
        $pdo->prepare(
            'INSERT INTO users (username, password, fullname, email, description, perm_templ, active, use_ldap)'
            . ' VALUES (?, ?, ?, ?, ?, ?, 1, 0)'
        )->execute([$in['user'], $hash(), $in['fullname'], $in['email'], 'managed by hobbynet.infra.poweradmin', $templ]);
    }
    $out = ['changed' => true, 'action' => 'created'];
} elseif (!password_verify($in['password'], (string) $user['password']) || (int) $user['active'] !== 1) {
    if (!$check) {
        $pdo->prepare('UPDATE users SET password = ?, active = 1 WHERE id = ?')->execute([$hash(), $user['id']]);
    }
    $out = ['changed' => true, 'action' => 'password set from poweradmin_admin_password'];
} else {
    $out = ['changed' => false, 'action' => 'unchanged'];
}
echo json_encode($out), "\n";
