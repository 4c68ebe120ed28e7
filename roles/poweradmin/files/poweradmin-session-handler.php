<?php
// Managed by hobbynet.infra.poweradmin: PHP sessions in the Galera database, so a user logged in
// on one writer stays logged in when the next request lands on another. Loaded for Poweradmin's
// php-fpm pool only (auto_prepend_file), never by patching Poweradmin. The database account is
// Poweradmin's own, read from its settings (PA_CONFIG_PATH).
//
// Galera replicates a write to every node before the commit returns, but another node applies it
// a moment later; wsrep_sync_wait = 1 makes this connection's reads wait until the node has
// applied everything committed before them (causal reads), so a request on r2 right after a login
// on r1 sees the session.
declare(strict_types=1);

namespace Hobbynet\Poweradmin;

final class DatabaseSessionHandler implements \SessionHandlerInterface, \SessionUpdateTimestampHandlerInterface
{
    private ?\PDO $pdo = null;
    /** Expiry of the session read in this request (unix time), null when it is not stored. */
    private ?int $expires = null;

    public function __construct(
        private readonly array $db,
        private readonly string $table,
        private readonly int $lifetime,
    ) {
    }

    private function pdo(): \PDO
    {
        if ($this->pdo === null) {
            $this->pdo = new \PDO(
                sprintf('mysql:unix_socket=%s;dbname=%s;charset=utf8mb4', $this->db['socket'], $this->db['name']),
                $this->db['user'],
                $this->db['password'],
                [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION, \PDO::ATTR_EMULATE_PREPARES => false]
            );
            $this->pdo->exec('SET SESSION wsrep_sync_wait = 1');
        }
        return $this->pdo;
    }

    public function open(string $path, string $name): bool
    {
        return true;
    }

    public function close(): bool
    {
        $this->pdo = null;
        return true;
    }

    public function read(string $id): string|false
    {
        $stmt = $this->pdo()->prepare(
            "SELECT data, expires FROM `{$this->table}` WHERE id = ? AND expires > UNIX_TIMESTAMP()"
        );
        $stmt->execute([$id]);
        $row = $stmt->fetch(\PDO::FETCH_NUM);
        $this->expires = $row === false ? null : (int) $row[1];
        return $row === false ? '' : (string) $row[0];
    }

    public function write(string $id, string $data): bool
    {
        // An empty session that was never stored (a visitor who has not logged in and holds no
        // form token) is not worth a Galera write set.
        if ($data === '' && $this->expires === null) {
            return true;
        }
        $this->expires = time() + $this->lifetime;
        $this->pdo()->prepare(
            "INSERT INTO `{$this->table}` (id, data, expires) VALUES (?, ?, UNIX_TIMESTAMP() + ?)"
            . ' ON DUPLICATE KEY UPDATE data = VALUES(data), expires = VALUES(expires)'
        )->execute([$id, $data, $this->lifetime]);
        return true;
    }

    // With session.lazy_write an unchanged session only has its expiry moved, and only once a minute
    // at most: a page view that changes nothing then costs no write on the cluster.
    public function updateTimestamp(string $id, string $data): bool
    {
        if ($this->expires === null) {
            return $this->write($id, $data);
        }
        if ($this->expires - time() > $this->lifetime - 60) {
            return true;
        }
        $this->expires = time() + $this->lifetime;
        $this->pdo()->prepare("UPDATE `{$this->table}` SET expires = UNIX_TIMESTAMP() + ? WHERE id = ?")
            ->execute([$this->lifetime, $id]);
        return true;
    }

    // session.use_strict_mode: an id the server never issued (or an expired one) is not adopted,
    // so a session id planted by someone else cannot become a logged-in session.
    public function validateId(string $id): bool
    {
        $stmt = $this->pdo()->prepare("SELECT 1 FROM `{$this->table}` WHERE id = ? AND expires > UNIX_TIMESTAMP()");
        $stmt->execute([$id]);
        return $stmt->fetchColumn() !== false;
    }

    public function destroy(string $id): bool
    {
        $this->pdo()->prepare("DELETE FROM `{$this->table}` WHERE id = ?")->execute([$id]);
        return true;
    }

    public function gc(int $max_lifetime): int|false
    {
        $stmt = $this->pdo()->prepare("DELETE FROM `{$this->table}` WHERE expires < UNIX_TIMESTAMP() LIMIT 10000");
        $stmt->execute();
        return $stmt->rowCount();
    }
}

(static function (): void {
    $path = getenv('PA_CONFIG_PATH');
    $settings = is_string($path) && $path !== '' ? require $path : [];
    $db = $settings['database'] ?? [];
    $handler = new DatabaseSessionHandler(
        [
            'socket' => (string) ini_get('pdo_mysql.default_socket') ?: '/run/mysqld/mysqld.sock',
            'name' => (string) ($db['name'] ?? ''),
            'user' => (string) ($db['user'] ?? ''),
            'password' => (string) ($db['password'] ?? ''),
        ],
        (string) (getenv('HOBBYNET_SESSION_TABLE') ?: 'hobbynet_php_sessions'),
        (int) ini_get('session.gc_maxlifetime'),
    );
    session_set_save_handler($handler, true);
})();
