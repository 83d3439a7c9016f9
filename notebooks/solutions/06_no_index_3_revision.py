# Solution of "Your turn" in notebook 06, step 3: the revision without its index, up and down.
from tutorial import rewrite

revision_file = project.newest_revision_file()
rewrite.function(revision_file, '''
def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('bills', sa.Column('last_payment', sa.DateTime(), nullable=True))
''')
rewrite.function(revision_file, '''
def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('bills', 'last_payment')
''')
