// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000200_ExpertHistory")]
public sealed class ExpertHistory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE availability_blackouts (
    "Id" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "From" date NOT NULL,
    "To" date NOT NULL,
    "Reason" character varying(200),
    CONSTRAINT "PK_availability_blackouts" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_availability_blackouts_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE TABLE expert_status_changes (
    "Id" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "FromStatus" character varying(16),
    "ToStatus" character varying(16) NOT NULL,
    "Reason" character varying(500) NOT NULL,
    "Actor" character varying(100) NOT NULL,
    "ChangedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_expert_status_changes" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_expert_status_changes_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_availability_blackouts_ExpertId_From" ON availability_blackouts ("ExpertId", "From");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_status_changes_ExpertId_ChangedAt" ON expert_status_changes ("ExpertId", "ChangedAt");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE expert_status_changes;");
        migrationBuilder.Sql("DROP TABLE availability_blackouts;");
    }
}
