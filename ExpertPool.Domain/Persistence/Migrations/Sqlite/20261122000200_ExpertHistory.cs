// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000200_ExpertHistory")]
public sealed class ExpertHistory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "availability_blackouts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_availability_blackouts" PRIMARY KEY,
    "ExpertId" TEXT NOT NULL,
    "From" TEXT NOT NULL,
    "To" TEXT NOT NULL,
    "Reason" TEXT NULL,
    CONSTRAINT "FK_availability_blackouts_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "expert_status_changes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_expert_status_changes" PRIMARY KEY,
    "ExpertId" TEXT NOT NULL,
    "FromStatus" TEXT NULL,
    "ToStatus" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "Actor" TEXT NOT NULL,
    "ChangedAt" TEXT NOT NULL,
    CONSTRAINT "FK_expert_status_changes_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_availability_blackouts_ExpertId_From" ON "availability_blackouts" ("ExpertId", "From");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_status_changes_ExpertId_ChangedAt" ON "expert_status_changes" ("ExpertId", "ChangedAt");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE expert_status_changes;");
        migrationBuilder.Sql("DROP TABLE availability_blackouts;");
    }
}
