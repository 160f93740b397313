"""idm: runs a multi-stakeholder migration policy dialogue from its first agenda to its published report."""
