// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// Nothing to change on PostgreSQL; the migration exists so both providers keep one list (decision 002). The SQLite
/// migration of the same name stops <c>INSERT OR REPLACE</c> from rewriting kept rows. PostgreSQL has no REPLACE, and an
/// <c>INSERT … ON CONFLICT DO UPDATE</c> or a <c>MERGE</c> that updates a kept row fires its update trigger and fails.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261202000600_NoReplaceOfKeptRows")]
public sealed class NoReplaceOfKeptRows : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
