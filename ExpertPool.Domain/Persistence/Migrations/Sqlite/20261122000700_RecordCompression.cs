// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// PostgreSQL compresses draw documents with lz4 from this migration on. SQLite stores text uncompressed; nothing to do,
/// but every provider keeps the same list of migrations.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000700_RecordCompression")]
public sealed class RecordCompression : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
